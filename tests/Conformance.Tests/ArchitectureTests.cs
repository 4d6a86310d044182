using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Conformance.Tests;

/// <summary>
/// The dependency rule of ARCHITECTURE.md, checked on the built assemblies: Model references no project;
/// Native and Implementation use nothing of Model but the workload language (namespace Model.Workload).
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
    public void Runtime_side_uses_only_the_workload_language_of_Model(string assembly)
    {
        var used = ModelNamespacesUsedBy(assembly);
        var forbidden = used.Where(ns => ns != "Model.Workload").ToList();
        Assert.True(forbidden.Count == 0, $"{assembly} uses Model namespaces other than Model.Workload: {string.Join(", ", forbidden)}");
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
