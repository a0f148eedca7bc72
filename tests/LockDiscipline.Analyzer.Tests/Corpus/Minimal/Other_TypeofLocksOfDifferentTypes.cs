// cause: other
// lock (typeof(A)) and lock (typeof(B)) are two different objects, nested in one order only.
public static class ConverterCache
{
    public static void Register()
    {
        lock (typeof(ConverterCache))
        {
            lock (typeof(FormatterCache)) { }
        }
    }
}

public static class FormatterCache { }
