namespace Native.Tests;
