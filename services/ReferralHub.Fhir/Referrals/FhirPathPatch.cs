using Hl7.Fhir.Model;
using ReferralHub.Fhir.Web;
using FhirTask = Hl7.Fhir.Model.Task;

namespace ReferralHub.Fhir.Referrals;

/// <summary>
/// The part of FHIRPath Patch (http://hl7.org/fhir/R4/fhirpatch.html) a Task answer needs: replace Task.status; add or
/// replace Task.statusReason and Task.executionPeriod; add Task.output. Anything else is a 422 naming the operation.
/// </summary>
internal static class FhirPathPatch
{
    public static void Apply(FhirTask task, Parameters patch)
    {
        var operations = patch.Parameter.Where(p => p.Name == "operation").ToList();
        if (operations.Count == 0 || operations.Count != patch.Parameter.Count)
            throw FhirException.Invalid("Parameters.parameter", "A FHIRPath Patch is a list of parameters named 'operation'.");
        for (var i = 0; i < operations.Count; i++)
        {
            var at = $"Parameters.parameter[{i}]";
            var parts = operations[i].Part;
            string? Part(string name) => parts.FirstOrDefault(p => p.Name == name)?.Value?.ToString();
            var type = Part("type");
            var path = Part("path");
            var name = Part("name");
            var value = parts.FirstOrDefault(p => p.Name == "value");
            switch (type, path, name)
            {
                case ("replace", "Task.status", _):
                    var code = value?.Value?.ToString();
                    task.Status = Hl7.Fhir.Utility.EnumUtility.ParseLiteral<FhirTask.TaskStatus>(code ?? "")
                        ?? throw FhirException.Invalid(at, $"'{code}' is not a Task status.");
                    break;
                case ("replace", "Task.statusReason", _):
                case ("add", "Task", "statusReason"):
                    task.StatusReason = value?.Value as CodeableConcept ?? throw FhirException.Invalid(at, "statusReason takes a valueCodeableConcept.");
                    break;
                case ("replace", "Task.executionPeriod", _):
                case ("add", "Task", "executionPeriod"):
                    task.ExecutionPeriod = value?.Value as Period ?? throw FhirException.Invalid(at, "executionPeriod takes a valuePeriod.");
                    break;
                case ("add", "Task", "output"):
                    var outputType = value?.Part.FirstOrDefault(p => p.Name == "type")?.Value as CodeableConcept;
                    var outputValue = value?.Part.FirstOrDefault(p => p.Name == "value")?.Value;
                    if (outputType is null || outputValue is null) throw FhirException.Invalid(at, "An output has parts 'type' (valueCodeableConcept) and 'value'.");
                    task.Output.RemoveAll(o => o.Type?.Coding.Any(c => outputType.Coding.Any(t => t.System == c.System && t.Code == c.Code)) == true);
                    task.Output.Add(new FhirTask.OutputComponent { Type = outputType, Value = outputValue });
                    break;
                default:
                    throw FhirException.Of(422, OperationOutcome.IssueType.NotSupported,
                        $"Patch operation '{type}' on '{path}' is not supported: replace Task.status; add/replace Task.statusReason, Task.executionPeriod; add Task.output.", at);
            }
        }
    }
}
