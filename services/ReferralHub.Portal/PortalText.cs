namespace ReferralHub.Portal;

/// <summary>
/// Marker for the portal's text resources (Resources/PortalText.resx). Every word a user reads comes from there, so
/// a translation (Bangla, Arabic right-to-left, French) is a new PortalText.{culture}.resx file, not a code change.
/// </summary>
public sealed class PortalText;
