namespace Model.Tests;
