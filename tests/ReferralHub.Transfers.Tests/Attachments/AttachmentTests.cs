using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Data.Sqlite;
using ReferralHub.Transfers.Tests.Infrastructure;

namespace ReferralHub.Transfers.Tests.Attachments;

/// <summary>Case file documents: size and type checked (by the first bytes too), stored encrypted.</summary>
public sealed class AttachmentTests : IAsyncLifetime
{
    private readonly TransferHub _hub;

    public AttachmentTests()
    {
        _hub = new TransferHub();
        _hub.Settings["Transfers:MaxAttachmentBytes"] = "4096";
    }

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    private static ByteArrayContent Body(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    [Fact]
    public async Task Too_big_mislabelled_or_unexpected_files_are_refused_and_nothing_is_stored()
    {
        var sender = await _hub.SenderAsync();
        var id = (await sender.RequestAsync(TransferApi.Request(TransferApi.NewCase()))).Id();
        var url = $"/api/v1/transfers/{id}/attachments?fileName=f";

        var tooBig = await sender.PostAsync(url, Body(Encoding.UTF8.GetBytes(new string('a', 5000)), "text/plain"));
        var fakePdf = await sender.PostAsync(url, Body([0x4D, 0x5A, 0x90, 0x00, 0x03], "application/pdf")); // an executable's header
        var executable = await sender.PostAsync(url, Body([0x4D, 0x5A, 0x90, 0x00, 0x03], "application/octet-stream"));
        var binaryAsText = await sender.PostAsync(url, Body([0x41, 0x00, 0x42], "text/plain"));
        var noName = await sender.PostAsync($"/api/v1/transfers/{id}/attachments", Body("%PDF-1.7"u8.ToArray(), "application/pdf"));
        var byReceiver = await (await _hub.ClientAsync(TransferHub.Receiver)).PostAsync(url, Body("%PDF-1.7"u8.ToArray(), "application/pdf"));
        var pdf = await sender.PostAsync(url, Body("%PDF-1.7 small"u8.ToArray(), "application/pdf"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, fakePdf.StatusCode);
        Assert.Contains("Content-Type", (await fakePdf.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).ErrorFields());
        Assert.Equal(HttpStatusCode.BadRequest, executable.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, binaryAsText.StatusCode);
        Assert.Contains("fileName", (await noName.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).ErrorFields());
        Assert.Equal(HttpStatusCode.Forbidden, byReceiver.StatusCode);
        Assert.Equal(HttpStatusCode.Created, pdf.StatusCode);
        Assert.Equal(1, CountRows("transfer_attachments"));
    }

    [Fact]
    public async Task Summary_items_and_documents_are_encrypted_at_rest()
    {
        const string Marker = "Zainab-Marker-7731";
        var sender = await _hub.SenderAsync();
        var caseCode = TransferApi.NewCase();
        var id = (await sender.RequestAsync(TransferApi.Request(caseCode, summary: new() { ["child.name"] = Marker, ["caseHistory"] = Marker + " history" }))).Id();
        (await sender.PostAsync($"/api/v1/transfers/{id}/attachments?fileName={Marker}.txt", Body(Encoding.UTF8.GetBytes($"Notes about {Marker}"), "text/plain"))).EnsureSuccessStatusCode();

        SqliteConnection.ClearAllPools(); // let SQLite checkpoint and close the file before it is scanned
        var marker = Encoding.UTF8.GetBytes(Marker);
        var files = System.IO.Directory.GetFiles(_hub.DataDirectory, "transfers.db*");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var bytes = await ReadSharedAsync(file);
            Assert.True(bytes.AsSpan().IndexOf(marker) < 0, $"{Path.GetFileName(file)} holds the child's name in clear");
        }
        Assert.Equal(1, CountRows("transfer_attachments"));
        Assert.Equal(2, CountRows("transfer_items"));
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private long CountRows(string table)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_hub.DataDirectory, "transfers.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table}";
        return (long)command.ExecuteScalar()!;
    }
}
