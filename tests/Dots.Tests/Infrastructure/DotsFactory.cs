using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dots.Infrastructure.Database;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dots.Tests.Infrastructure;

/// <summary>
/// A fresh platform per test class: its own data directory and, on PostgreSQL, its own database.
/// The provider comes from DOTS_TEST_PROVIDER (sqlite, the default, or postgres with DOTS_TEST_POSTGRES).
/// </summary>
public class DotsFactory : WebApplicationFactory<Program>
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "dots-tests", Guid.NewGuid().ToString("N"));
    private readonly string? _postgresDatabase;

    public DotsFactory()
    {
        Directory.CreateDirectory(_dataDir);
        if (Provider == DatabaseProvider.Postgres)
        {
            _postgresDatabase = "dots_test_" + Guid.NewGuid().ToString("N")[..12];
        }
    }

    public static DatabaseProvider Provider =>
        string.Equals(Environment.GetEnvironmentVariable("DOTS_TEST_PROVIDER"), "postgres", StringComparison.OrdinalIgnoreCase)
            ? DatabaseProvider.Postgres
            : DatabaseProvider.Sqlite;

    public string DataDir => _dataDir;

    public string? PostgresConnectionString => _postgresDatabase is null ? null : new NpgsqlConnectionStringBuilder(BasePostgres) { Database = _postgresDatabase }.ToString();

    private static string BasePostgres => Environment.GetEnvironmentVariable("DOTS_TEST_POSTGRES")
        ?? throw new InvalidOperationException("DOTS_TEST_PROVIDER=postgres needs DOTS_TEST_POSTGRES (a connection string to a server where the tests may create databases). Run ./test.sh, which starts one.");

    /// <summary>Settings tests may override (rate limits, seeding).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Command-line style arguments that point the `dots` CLI at this instance's database.</summary>
    public string[] CliDatabaseArgs => _postgresDatabase is null
        ? ["--data-dir", _dataDir]
        : ["--data-dir", _dataDir, "--Database:Provider=Postgres", $"--ConnectionStrings:Postgres={PostgresConnectionString}"];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("DataDir", _dataDir);
        builder.UseSetting("Seed:Demo", "false");
        builder.UseSetting("RateLimits:AuthPerMinute", "100000");
        builder.UseSetting("RateLimits:OrdersPerMinute", "100000");
        builder.UseSetting("RateLimits:OrdersBurst", "100000");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Error");
        if (_postgresDatabase is not null)
        {
            builder.UseSetting("Database:Provider", "Postgres");
            builder.UseSetting("ConnectionStrings:Postgres", PostgresConnectionString);
        }
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public T WithScope<T>(Func<IServiceProvider, T> action)
    {
        using var scope = Services.CreateScope();
        return action(scope.ServiceProvider);
    }

    public async Task<T> WithDbAsync<T>(Func<DotsDbContext, Task<T>> action)
    {
        using var scope = Services.CreateScope();
        return await action(scope.ServiceProvider.GetRequiredService<DotsDbContext>());
    }

    /// <summary>Registers and signs in a new account; returns a client that sends its bearer token.</summary>
    public async Task<UserClient> NewUserAsync(string? email = null)
    {
        email ??= $"u{Guid.NewGuid():N}@test.dots";
        var anon = CreateClient();
        var register = await anon.PostAsJsonAsync("/api/auth/register", new { email, password = UserClient.Password });
        register.EnsureSuccessStatusCode();
        var login = await anon.PostAsJsonAsync("/api/auth/login", new { email, password = UserClient.Password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<TokenResponse>())!;
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        return new UserClient(email, client);
    }

    /// <summary>
    /// A client signed in as <paramref name="email"/> with the site's cookie, as a browser is (the web pages take no
    /// bearer token); redirects are left for the test to read.
    /// </summary>
    public async Task<HttpClient> CookieClientAsync(string email)
    {
        var web = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        (await web.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email, password = UserClient.Password })).EnsureSuccessStatusCode();
        return web;
    }

    /// <summary>A new account with the Operator role, signed in again so its token carries the role.</summary>
    public async Task<UserClient> NewOperatorAsync()
    {
        var user = await NewUserAsync();
        await using (var scope = Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Dots.Modules.Identity.UserAdministration>().GrantAsync(user.Email, Dots.Modules.Identity.Roles.Operator, CancellationToken.None);
        }
        // A fresh token carries the new role.
        var again = CreateClient();
        var login = await again.PostAsJsonAsync("/api/auth/login", new { email = user.Email, password = UserClient.Password });
        var token = (await login.JsonAsync(HttpStatusCode.OK))["accessToken"]!.GetValue<string>();
        again.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return new UserClient(user.Email, again);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing)
        {
            return;
        }
        if (_postgresDatabase is not null)
        {
            try
            {
                NpgsqlConnection.ClearAllPools();
                using var connection = new NpgsqlConnection(BasePostgres);
                connection.Open();
                using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresDatabase}\" WITH (FORCE)", connection);
                drop.ExecuteNonQuery();
            }
            catch (NpgsqlException)
            {
                // A database left behind in a throwaway test cluster is harmless.
            }
        }
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed record TokenResponse(string TokenType, string AccessToken, long ExpiresIn, string RefreshToken);
}

public sealed record UserClient(string Email, HttpClient Http)
{
    public const string Password = "Passw0rd!";
}
