using LockDiscipline.Analyzer.Tests.Harness;

namespace LockDiscipline.Analyzer.Tests.Precision;

/// <summary>
/// <c>lock (typeof(X))</c> locks the one <c>Type</c> object of X: a class per X (key <c>typeof:</c>
/// and X's documentation id), not one class <c>Type</c> for every type (issue 10, other tools' shapes).
/// </summary>
public class TypeObjectLockTests
{
    [Fact]
    public void TypeObjectsOfDifferentTypesNestInOneOrderQuietly()
    {
        Verify.Diagnostics("""
            static class ConverterCache
            {
                public static void Register() { lock (typeof(ConverterCache)) { lock (typeof(FormatterCache)) { } } }
            }
            static class FormatterCache { }
            """);
    }

    [Fact]
    public void TypeObjectOfOneTypeReenteredIsTheSameObject()
    {
        Verify.Diagnostics("""
            static class Cache
            {
                public static void Outer() { lock (typeof(Cache)) { Inner(); } }
                static void Inner() { lock (typeof(Cache)) { } }
            }
            """);
    }

    [Fact]
    public void TypeObjectsOfTwoTypesInOppositeOrdersAreACycle()
    {
        var message = Verify.Diagnostics("""
            static class A
            {
                public static void First() { lock (typeof(A)) { lock (typeof(B)) { } } }
                public static void Second() { lock (typeof(B)) { lock ({|LD0001:typeof(A)|}) { } } }
            }
            static class B { }
            """).Single().GetMessage();
        Assert.Contains("acquiring 'typeof(A)' while holding 'typeof(B)'", message);
    }
}
