using System.Net;
using System.Text;

namespace ReferralHub.Testing;

/// <summary>
/// An agency's receiving system on loopback for webhook and FHIR Subscription tests (http on loopback is allowed in
/// Development). Every call is read and answered on its own task, so a call the hub abandoned (its timeout under a
/// loaded machine) is dropped without stopping the receiver: a loop that died on one aborted call made the next test
/// step wait for callbacks nobody would answer.
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerRequest, string, int> _answer;
    private readonly Task _loop;

    /// <param name="answer">Records the call (request and body) and gives the status to answer with.</param>
    /// <param name="path">The callback path, e.g. <c>/hook</c>.</param>
    public CallbackReceiver(Func<HttpListenerRequest, string, int> answer, string path = "/hook")
    {
        _answer = answer;
        var port = FreePort.Find();
        Url = $"http://127.0.0.1:{port}{path}";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The address to register as the callback URL.</summary>
    public string Url { get; }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext call;
            try { call = await _listener.GetContextAsync(); }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => AnswerAsync(call));
        }
    }

    private async Task AnswerAsync(HttpListenerContext call)
    {
        try
        {
            using var reader = new StreamReader(call.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            call.Response.StatusCode = _answer(call.Request, body);
            call.Response.Close();
        }
        catch (Exception)
        {
            // The hub gave up on this call, or the receiver is closing: nothing to answer; the next call is served.
            try { call.Response.Abort(); } catch (ObjectDisposedException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
