namespace Bench.Tests;
