using LockDiscipline.Analyzer.Baseline;
using System;
using System.Collections.Generic;
using LockDiscipline.Analyzer.Flow;
using LockDiscipline.Analyzer.Resolve;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using LockDiscipline.LockModel;

namespace LockDiscipline.Analyzer.Rules
{
    /// <summary>
    /// LD0010: a <c>[TryAcquiresLock(successValue, ...)]</c> method returns its success value without
    /// holding the lock (its caller will release a lock it never got), or another value while still
    /// holding it (its caller will never release it). Only constant return values are judged.
    /// </summary>
    internal static class TryAcquireReturnRule
    {
        public static void AnalyzeBody(BodyFlow flow, System.Action<Diagnostic> report)
        {
            var tryLocks = new List<ContractLock>();
            foreach (var held in flow.Contract.LeavesHeld)
            {
                if (held.TryAcquire)
                {
                    tryLocks.Add(held);
                }
            }

            if (tryLocks.Count == 0)
            {
                return;
            }

            var reported = new HashSet<int>();
            foreach (var returned in flow.Returns)
            {
                var value = Constant(returned.Value);
                if (!value.HasValue)
                {
                    continue;
                }

                foreach (var tryLock in tryLocks)
                {
                    var success = Same(value.Value, tryLock.SuccessValue);
                    var held = Holds(returned.Held, tryLock.Class);
                    if (success == held || !reported.Add(returned.Value.Syntax.SpanStart))
                    {
                        continue;
                    }

                    var method = ReportText.Method(flow.Owner);
                    var message = success
                        ? $"{method} returns its success value {Show(value.Value)} here without holding '{tryLock.Class}': its caller will go on as if it held the lock, and release one it never got"
                        : $"{method} returns {Show(value.Value)} (not its success value {Show(tryLock.SuccessValue)}) here while still holding '{tryLock.Class}': its caller will never release it";
                    report(Diagnostic.Create(RuleCatalog.TryAcquireReturnsWrongly, returned.Value.Syntax.GetLocation(), BaselineKey.Properties(tryLock.Class), message));
                }
            }
        }

        private static Optional<object?> Constant(IOperation value)
        {
            for (var operation = value; operation is not null; operation = (operation as IConversionOperation)?.Operand)
            {
                if (operation.ConstantValue.HasValue)
                {
                    return operation.ConstantValue;
                }
            }

            return default;
        }

        private static bool Same(object? value, object? expected)
        {
            if (value is null || expected is null)
            {
                return value is null && expected is null;
            }

            if (value is bool || expected is bool)
            {
                return value.Equals(expected);
            }

            try
            {
                return Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture) == Convert.ToDecimal(expected, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception exception) when (exception is InvalidCastException or FormatException or OverflowException)
            {
                return value.Equals(expected);
            }
        }

        private static bool Holds(System.Collections.Immutable.ImmutableArray<HeldLock> held, LockClass lockClass)
        {
            foreach (var hold in held)
            {
                if (hold.Class.Equals(lockClass) && hold.Certain)
                {
                    return true;
                }
            }

            return false;
        }

        private static string Show(object? value) => value switch
        {
            null => "null",
            bool flag => flag ? "true" : "false",
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "?",
        };
    }
}
