namespace Implementation.Tests;
