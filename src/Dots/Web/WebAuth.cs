namespace Dots.Web;

/// <summary>
/// The web UI signs people in with the Identity cookie. Pages name the scheme so an unauthenticated visit is
/// redirected to the sign-in page (the app's default scheme also accepts bearer tokens and answers 401).
/// Equal to <c>IdentityConstants.ApplicationScheme</c>, which is not a constant and so cannot sit in an attribute.
/// </summary>
public static class WebAuth
{
    public const string Scheme = "Identity.Application";
}
