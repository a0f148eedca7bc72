using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Analyzer.Flow
{
    /// <summary>Reading a boolean condition down to the value it tests.</summary>
    internal static class BooleanTest
    {
        /// <summary>
        /// One step of the reading: <c>!x</c>, and <c>x == c</c> or <c>x != c</c> with a <c>bool</c> constant on
        /// either side, are <c>x</c> with the sense flipped or kept. False, with nothing changed, for anything else.
        /// </summary>
        public static bool TryStripNegation(ref IOperation value, ref bool negated)
        {
            switch (value)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    negated = !negated;
                    value = not.Operand;
                    return true;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison
                    when comparison.RightOperand.ConstantValue is { HasValue: true, Value: bool expected }:
                    negated ^= expected == (comparison.OperatorKind == BinaryOperatorKind.NotEquals);
                    value = comparison.LeftOperand;
                    return true;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison
                    when comparison.LeftOperand.ConstantValue is { HasValue: true, Value: bool expected }:
                    negated ^= expected == (comparison.OperatorKind == BinaryOperatorKind.NotEquals);
                    value = comparison.RightOperand;
                    return true;
                default:
                    return false;
            }
        }
    }
}
