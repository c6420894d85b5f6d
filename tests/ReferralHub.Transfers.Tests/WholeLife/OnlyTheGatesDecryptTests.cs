using System.Reflection;
using ReferralHub.Hosting.Protection;
using ReferralHub.Referrals.Protection;
using ReferralHub.Referrals.Release;
using ReferralHub.Referrals.Webhooks;
using ReferralHub.Transfers.Package;

namespace ReferralHub.Transfers.Tests.WholeLife;

/// <summary>
/// "Nothing decrypts a payload outside the gate" (issue 14), checked on the compiled code: every call of
/// <see cref="IPersonalDataProtector.UnprotectAsync(string, string, CancellationToken)"/> (either overload) in the
/// referral and transfer services is found by reading each method's IL (lambdas, async state machines and local
/// functions count as the type that declares them), and the types that make one must be exactly the gates plus two
/// named exceptions that decrypt no case data.
/// </summary>
public sealed class OnlyTheGatesDecryptTests
{
    [Fact]
    public void In_the_referral_service_only_the_release_gate_decrypts_case_data()
    {
        Assert.Equal(
            new[]
            {
                typeof(ReleaseGate).FullName!,
                // Compares the stored hash of an idempotent request with a retry's: no personal data leaves it.
                typeof(ReferralVault).FullName!,
                // The agency's webhook signing secret (agency scope, not a case): it signs deliveries that carry ids only.
                typeof(WebhookSender).FullName!,
            }.Order(),
            Decrypters(typeof(ReleaseGate).Assembly));
    }

    [Fact]
    public void In_the_transfer_service_only_the_package_gate_decrypts_case_data() =>
        Assert.Equal([typeof(PackageGate).FullName!], Decrypters(typeof(PackageGate).Assembly));

    [Fact]
    public void The_scan_finds_a_decryption_where_there_is_one() =>
        // The checks above would pass vacuously if the scan could not see calls: the consent registry's text protector
        // (outside this gates: it serves an agency the withhold reasons it recorded itself) is one it must find.
        Assert.Contains("ReferralHub.Consent.Protection.ConsentTextProtector", Decrypters(typeof(ReferralHub.Consent.ConsentModule).Assembly));

    /// <summary>The outermost types of <paramref name="assembly"/> whose code calls UnprotectAsync, sorted.</summary>
    private static IEnumerable<string> Decrypters(Assembly assembly)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (Calls(method).Any(IsUnprotect)) found.Add(Outermost(type).FullName!);
            }
        }
        return found;
    }

    private static bool IsUnprotect(MethodBase m) =>
        m.Name == nameof(IPersonalDataProtector.UnprotectAsync) && m.DeclaringType is { } t && typeof(IPersonalDataProtector).IsAssignableFrom(t);

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type;
    }

    /// <summary>The methods a method's IL calls (call, callvirt, newobj, ldftn), resolved in its module.</summary>
    private static IEnumerable<MethodBase> Calls(MethodBase method)
    {
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or BadImageFormatException) { yield break; }
        if (il is null) yield break;
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method is MethodInfo { IsGenericMethod: true } g ? g.GetGenericArguments() : null;
        for (var i = 0; i + 4 < il.Length; i++)
        {
            // call 0x28, callvirt 0x6F, newobj 0x73; ldftn is 0xFE 0x06. A byte of another operand may look like one of
            // these: such a token then fails to resolve or resolves to something else, never to UnprotectAsync by chance
            // in practice — and a false find would make this test fail loudly, not pass silently.
            var isCall = il[i] is 0x28 or 0x6F or 0x73 || (il[i] == 0x06 && i > 0 && il[i - 1] == 0xFE);
            if (!isCall) continue;
            var token = BitConverter.ToInt32(il, i + 1);
            if ((token >> 24) is not (0x06 or 0x0A or 0x2B)) continue; // MethodDef, MemberRef, MethodSpec
            MethodBase? callee;
            try { callee = method.Module.ResolveMethod(token, typeArgs, methodArgs); }
            catch (Exception ex) when (ex is ArgumentException or BadImageFormatException or TypeLoadException or MissingMethodException) { callee = null; }
            if (callee is not null) yield return callee;
        }
    }
}
