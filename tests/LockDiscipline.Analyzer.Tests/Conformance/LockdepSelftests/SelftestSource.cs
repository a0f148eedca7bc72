using System.Text;
using LockDiscipline.TestKit.LockdepSelftests;

namespace LockDiscipline.Analyzer.Tests.Conformance.LockdepSelftests;

/// <summary>
/// A selftest case as C#: each lock a static field (<c>X1</c>/<c>X2</c> one <c>[LockClass]</c>), each event a
/// method nothing calls (a process-context entry point with interrupts on), an event inside
/// <c>IRQ_ENTER</c>/<c>IRQ_EXIT</c> a <c>[HardIrqContext]</c> or <c>[SoftIrqContext]</c> method.
/// </summary>
internal static class SelftestSource
{
    public static string Render(SelftestCase selftest)
    {
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var methods = new StringBuilder();
        foreach (var selftestEvent in selftest.Events)
        {
            if (selftestEvent.InIrq)
            {
                methods.Append("    [").Append(selftestEvent.ContextIn(selftest) == SelftestIrq.Soft ? "SoftIrqContext" : "HardIrqContext").AppendLine("]");
            }

            methods.Append("    public static void ").Append(selftestEvent.Name).AppendLine("()").AppendLine("    {");
            foreach (var step in selftestEvent.Steps)
            {
                methods.Append("        ").AppendLine(Statement(selftest, step, fields));
            }

            methods.AppendLine("    }");
        }

        var source = new StringBuilder();
        source.AppendLine("using LockDiscipline;").AppendLine().AppendLine("static class Selftest").AppendLine("{");
        foreach (var field in fields.Values)
        {
            source.Append("    ").AppendLine(field);
        }

        source.AppendLine().Append(methods).AppendLine("}");
        return source.ToString();
    }

    private static string Statement(SelftestCase selftest, SelftestStep step, SortedDictionary<string, string> fields)
    {
        var op = selftest.Resolve(step.Op);
        switch (op)
        {
            case SelftestOp.IrqDisable:
                return selftest.Irq == SelftestIrq.Soft ? "Irq.LocalBhDisable();" : "Irq.LocalIrqDisable();";
            case SelftestOp.IrqEnable:
                return selftest.Irq == SelftestIrq.Soft ? "Irq.LocalBhEnable();" : "Irq.LocalIrqEnable();";
            case SelftestOp.HardIrqDisable:
                return "Irq.LocalIrqDisable();";
            case SelftestOp.HardIrqEnable:
                return "Irq.LocalIrqEnable();";
            case SelftestOp.SoftIrqDisable:
                return "Irq.LocalBhDisable();";
            case SelftestOp.SoftIrqEnable:
                return "Irq.LocalBhEnable();";
        }

        var primitive = SelftestCase.PrimitiveOf(op);
        var name = SelftestCase.LockName(primitive, step.Letter);
        var className = SelftestCase.ClassName(primitive, step.Letter);
        var attribute = className == name ? string.Empty : $"[LockClass(\"{className}\")] ";
        fields[name] = $"{attribute}static readonly {primitive} {name} = new();";
        var method = op switch
        {
            SelftestOp.SpinLock or SelftestOp.MutexLock => "Lock",
            SelftestOp.SpinUnlock or SelftestOp.MutexUnlock => "Unlock",
            SelftestOp.SemRead => "DownRead",
            SelftestOp.SemReadUnlock => "UpRead",
            SelftestOp.SemWrite => "DownWrite",
            SelftestOp.SemWriteUnlock => "UpWrite",
            _ => op.ToString(),
        };
        return name + "." + method + "();";
    }
}
