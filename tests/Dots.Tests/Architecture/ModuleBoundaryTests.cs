using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Dots.Tests.Architecture;

/// <summary>
/// Modules are rooms: a module reaches another only through its public services, DTOs and events — never its
/// entities, DbSets, internal types or tables (raw SQL naming them). The rule reads the compiled IL with Mono.Cecil,
/// so references inside method bodies (a LINQ query on another module's DbSet, a lambda, an async state machine)
/// count as much as signatures do.
/// </summary>
public sealed class ModuleBoundaryTests
{
    private const string ModulesRoot = "Dots.Modules";

    [Fact]
    public void NoModule_ReachesIntoAnotherModulesEntitiesInternalsOrTables()
    {
        var violations = ModuleBoundaries.Check(typeof(DotsApp).Assembly.Location, ModulesRoot);
        Assert.True(violations.Count == 0, $"{violations.Count} module boundary violations:\n" + string.Join("\n", violations.Take(40)));
    }

    [Fact]
    public void TheSharedWebShell_UsesNoModulesEntities()
    {
        var violations = ModuleBoundaries.Check(typeof(DotsApp).Assembly.Location, "Dots.Web", wholeAreaIsOneModule: true);
        Assert.True(violations.Count == 0, "The web shell reaches into module internals:\n" + string.Join("\n", violations.Take(40)));
    }

    [Fact]
    public void TheRule_CatchesADeliberatelyBrokenReferenceInAFixture()
    {
        var violations = ModuleBoundaries.Check(typeof(ModuleBoundaryTests).Assembly.Location, "Dots.Tests.Architecture.Fixture.Modules");
        Assert.Contains(violations, v => v.Contains("LeakyStock", StringComparison.Ordinal) && v.Contains("Dots.Modules.Catalog.Variant", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("LeakyStock", StringComparison.Ordinal) && v.Contains("table \"Variants\"", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("LeakyStock", StringComparison.Ordinal) && v.Contains("ProductSearch", StringComparison.Ordinal));
        Assert.DoesNotContain(violations, v => v.Contains("PoliteStock", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Dots.Routing")]
    [InlineData("Dots.Forecast")]
    [InlineData("Dots.Recommend")]
    public void PureLibraries_TakeNoWebOrDatabaseDependency(string library)
    {
        var path = Path.Combine(AppContext.BaseDirectory, library + ".dll");
        using var assembly = AssemblyDefinition.ReadAssembly(path);
        var forbidden = assembly.MainModule.AssemblyReferences
            .Select(r => r.Name)
            .Where(n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || n.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)
                || n.StartsWith("Npgsql", StringComparison.Ordinal) || n.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal) || n == "Dots")
            .ToList();
        Assert.True(forbidden.Count == 0, $"{library} references {string.Join(", ", forbidden)}");
    }
}

/// <summary>The rule itself, usable on any assembly so a fixture can prove it bites.</summary>
internal static class ModuleBoundaries
{
    private const string ModulesRoot = "Dots.Modules.";

    /// <summary>Platform-wide anchors every module may name: the user account (foreign keys to it).</summary>
    private static readonly HashSet<string> SharedAnchors = ["Dots.Modules.Identity.AppUser"];

    private static readonly Lazy<(HashSet<string> Entities, Dictionary<string, string> TableModules)> Model = new(ReadModel);

    public static IReadOnlyList<string> Check(string assemblyPath, string checkedRoot, bool wholeAreaIsOneModule = false)
    {
        var (entities, tables) = Model.Value;
        using var assembly = AssemblyDefinition.ReadAssembly(assemblyPath);
        var violations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in assembly.MainModule.GetTypes())
        {
            var outer = type;
            while (outer.DeclaringType is not null)
            {
                outer = outer.DeclaringType;
            }
            if (!outer.Namespace.StartsWith(checkedRoot + ".", StringComparison.Ordinal) && outer.Namespace != checkedRoot)
            {
                continue;
            }
            var home = wholeAreaIsOneModule ? "(shell)" : ModuleOf(outer.Namespace, checkedRoot + ".");
            void Use(TypeReference? reference, string where)
            {
                foreach (var used in Flatten(reference))
                {
                    var usedNamespace = OuterNamespace(used);
                    var other = usedNamespace.StartsWith(ModulesRoot, StringComparison.Ordinal) ? ModuleOf(usedNamespace, ModulesRoot) : null;
                    if (other is null || other == home || SharedAnchors.Contains(used.FullName))
                    {
                        continue;
                    }
                    if (entities.Contains(used.FullName))
                    {
                        violations.Add($"{outer.FullName} ({where}) uses {used.FullName}, an entity of {other}");
                        continue;
                    }
                    var definition = Resolve(used);
                    if (definition is not null && !IsPublic(definition))
                    {
                        violations.Add($"{outer.FullName} ({where}) uses {used.FullName}, internal to {other}");
                    }
                }
            }

            Use(type.BaseType, "base type");
            foreach (var i in type.Interfaces)
            {
                Use(i.InterfaceType, "interface");
            }
            foreach (var f in type.Fields)
            {
                Use(f.FieldType, "field " + f.Name);
            }
            foreach (var p in type.Properties)
            {
                Use(p.PropertyType, "property " + p.Name);
            }
            foreach (var m in type.Methods)
            {
                var where = "method " + m.Name;
                Use(m.ReturnType, where);
                foreach (var p in m.Parameters)
                {
                    Use(p.ParameterType, where);
                }
                if (!m.HasBody)
                {
                    continue;
                }
                foreach (var v in m.Body.Variables)
                {
                    Use(v.VariableType, where);
                }
                foreach (var instruction in m.Body.Instructions)
                {
                    switch (instruction.Operand)
                    {
                        case TypeReference t:
                            Use(t, where);
                            break;
                        case MethodReference mr:
                            Use(mr.DeclaringType, where);
                            Use(mr.ReturnType, where);
                            foreach (var p in mr.Parameters)
                            {
                                Use(p.ParameterType, where);
                            }
                            if (mr is GenericInstanceMethod gim)
                            {
                                foreach (var a in gim.GenericArguments)
                                {
                                    Use(a, where);
                                }
                            }
                            break;
                        case FieldReference fr:
                            Use(fr.DeclaringType, where);
                            Use(fr.FieldType, where);
                            break;
                        case string text when instruction.OpCode == OpCodes.Ldstr:
                            foreach (var (table, owner) in tables)
                            {
                                if (owner != home && text.Contains($"\"{table}\"", StringComparison.Ordinal))
                                {
                                    violations.Add($"{outer.FullName} ({where}) names table \"{table}\" of {owner} in SQL");
                                }
                            }
                            break;
                    }
                }
            }
        }
        return violations.ToList();
    }

    private static string ModuleOf(string ns, string root)
    {
        var rest = ns.StartsWith(root, StringComparison.Ordinal) ? ns[root.Length..] : "";
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    private static IEnumerable<TypeReference> Flatten(TypeReference? reference)
    {
        if (reference is null || reference is GenericParameter)
        {
            yield break;
        }
        switch (reference)
        {
            case GenericInstanceType g:
                foreach (var x in Flatten(g.ElementType))
                {
                    yield return x;
                }
                foreach (var a in g.GenericArguments)
                {
                    foreach (var x in Flatten(a))
                    {
                        yield return x;
                    }
                }
                yield break;
            case TypeSpecification spec:
                foreach (var x in Flatten(spec.ElementType))
                {
                    yield return x;
                }
                yield break;
        }
        yield return reference;
    }

    /// <summary>A nested type belongs to its outermost declaring type's namespace.</summary>
    private static string OuterNamespace(TypeReference reference)
    {
        var outer = reference;
        while (outer.DeclaringType is not null)
        {
            outer = outer.DeclaringType;
        }
        return outer.Namespace;
    }

    private static TypeDefinition? Resolve(TypeReference reference)
    {
        try
        {
            return reference.Resolve();
        }
        catch (AssemblyResolutionException)
        {
            return null;
        }
    }

    private static bool IsPublic(TypeDefinition type)
    {
        for (var t = type; t is not null; t = t.DeclaringType)
        {
            if (!(t.IsPublic || t.IsNestedPublic))
            {
                return false;
            }
        }
        return true;
    }

    private static (HashSet<string>, Dictionary<string, string>) ReadModel()
    {
        using var db = new SqliteDotsDbContext(new DbContextOptionsBuilder<SqliteDotsDbContext>().UseSqlite("Data Source=:memory:").Options);
        var entities = new HashSet<string>(StringComparer.Ordinal);
        var tables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entity in db.Model.GetEntityTypes())
        {
            var ns = entity.ClrType.Namespace ?? "";
            if (!ns.StartsWith(ModulesRoot, StringComparison.Ordinal))
            {
                continue;
            }
            entities.Add(entity.ClrType.FullName!.Replace('+', '/'));
            if (entity.GetTableName() is { } table && !entity.IsOwned())
            {
                tables[table] = ModuleOf(ns, ModulesRoot);
            }
        }
        return (entities, tables);
    }
}
