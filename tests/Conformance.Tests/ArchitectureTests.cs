using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Conformance.Tests;

/// <summary>
/// The dependency rule of ARCHITECTURE.md, checked on the built assemblies: Model references no project;
/// Native and Implementation use nothing of Model but the workload language (namespace Model.Workload) and the
/// contract both sides share (namespace Model.Contract: statuses, edges, the event alphabet, the frame ABI).
/// </summary>
public class ArchitectureTests
{
    private static readonly string[] ProjectAssemblies = ["Model", "Native", "Implementation", "checker", "Bench"];

    private static string PathOf(string assembly) => Path.Combine(AppContext.BaseDirectory, assembly + ".dll");

    private static IReadOnlyList<string> ReferencedAssemblies(string assembly) =>
        Assembly.LoadFrom(PathOf(assembly)).GetReferencedAssemblies().Select(a => a.Name!).ToList();

    /// <summary>Namespaces of every type the assembly references in Model.dll.</summary>
    private static IReadOnlySet<string> ModelNamespacesUsedBy(string assembly)
    {
        using var stream = File.OpenRead(PathOf(assembly));
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in md.TypeReferences)
        {
            var tr = md.GetTypeReference(handle);
            var scope = tr.ResolutionScope;
            // Nested types resolve through their declaring type; walk up to the outermost.
            while (scope.Kind == HandleKind.TypeReference)
            {
                tr = md.GetTypeReference((TypeReferenceHandle)scope);
                scope = tr.ResolutionScope;
            }
            if (scope.Kind != HandleKind.AssemblyReference) continue;
            var asm = md.GetAssemblyReference((AssemblyReferenceHandle)scope);
            if (md.GetString(asm.Name) == "Model") used.Add(md.GetString(tr.Namespace));
        }
        return used;
    }

    [Fact]
    public void Model_references_no_other_project()
    {
        var refs = ReferencedAssemblies("Model");
        Assert.Empty(refs.Intersect(ProjectAssemblies));
    }

    [Fact]
    public void Model_has_no_interop_or_unsafe_code()
    {
        var model = Assembly.LoadFrom(PathOf("Model"));
        var unverifiable = model.GetCustomAttributes<System.Security.UnverifiableCodeAttribute>();
        Assert.Empty(unverifiable);
        var pinvokes = model.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(m => (m.Attributes & MethodAttributes.PinvokeImpl) != 0)
            .Select(m => m.DeclaringType + "." + m.Name)
            .ToList();
        Assert.Empty(pinvokes);
    }

    [Theory]
    [InlineData("Native")]
    [InlineData("Implementation")]
    public void Runtime_side_uses_only_the_workload_language_and_the_contract_of_Model(string assembly)
    {
        var used = ModelNamespacesUsedBy(assembly);
        var forbidden = used.Where(ns => ns is not ("Model.Workload" or "Model.Contract")).ToList();
        Assert.True(forbidden.Count == 0, $"{assembly} uses Model namespaces other than Model.Workload and Model.Contract: {string.Join(", ", forbidden)}");
        Assert.Contains("Model.Contract", used); // the statuses and the event alphabet come from the contract, not a copy
    }

    [Fact]
    public void No_project_keeps_its_own_copy_of_the_contract()
    {
        // The statuses, the event alphabet and the mcall reasons exist once, in Model.Contract; any other enum of the
        // same meaning would be a copy that nothing pins to the contract.
        string[] contractNames = ["GStatus", "PStatus", "EventKind", "TraceKind", "SchedEventKind", "McallReason"];
        var copies = ProjectAssemblies.Where(a => File.Exists(PathOf(a))) // Bench is not in this test's output
            .SelectMany(a => Assembly.LoadFrom(PathOf(a)).GetTypes())
            .Where(t => t.IsEnum && contractNames.Contains(t.Name) && t.Namespace != "Model.Contract")
            .Select(t => t.FullName)
            .ToList();
        Assert.True(copies.Count == 0, $"copies of the contract: {string.Join(", ", copies)}");
        Assert.All(contractNames.Take(3), n => Assert.NotNull(typeof(Model.Contract.Transitions).Assembly.GetType("Model.Contract." + n)));
    }

    [Fact]
    public void Native_does_not_reference_Implementation_or_Conformance()
    {
        var refs = ReferencedAssemblies("Native");
        Assert.DoesNotContain("Implementation", refs);
        Assert.DoesNotContain("checker", refs);
    }

    [Fact]
    public void Implementation_does_not_reference_Conformance()
    {
        Assert.DoesNotContain("checker", ReferencedAssemblies("Implementation"));
    }
}
