namespace ReferralHub.Gateway.SignIn;

/// <summary>
/// The words of the gateway's identity pages (sign-in, set password, their refusals) in the portal's languages:
/// English, French, Arabic (right to left) and Bengali, worded as the portal's PortalText resources word the same
/// things ("Sign in", "Password", "E-mail"), so a person meets the same words on both sides of the sign-in.
/// </summary>
/// <remarks>
/// Decision: a small table in code, not resx. The gateway has a dozen sentences on four pages; the table keeps every
/// language of a sentence side by side (easy to review together) and a missing translation fails
/// <c>IdentityPageLanguageTests</c> rather than falling back silently.
/// Which language a page is in (<see cref="For"/>): a language the person chose on the page (its <c>lang</c> link,
/// remembered in a cookie), then the <c>ui_locales</c> the portal sent to <c>/connect/authorize</c> (carried in the
/// sign-in page's return address), then the cookie, then the browser's <c>Accept-Language</c>, else English.
/// </remarks>
public sealed class IdentityText
{
    public const string CookieName = "referralhub-identity-lang";

    /// <summary>The languages in the order the page lists them, each named in itself.</summary>
    public static IReadOnlyList<(string Code, string Name)> Languages { get; } =
        [("en", "English"), ("fr", "Français"), ("ar", "العربية"), ("bn", "বাংলা")];

    private static readonly Dictionary<string, string[]> Words = new(StringComparer.Ordinal)
    {
        //                          en, fr, ar, bn
        ["Language"] = ["Language", "Langue", "اللغة", "ভাষা"],
        ["SignIn.Title"] = ["Sign in", "Connexion", "تسجيل الدخول", "সাইন ইন"],
        ["SignIn.Email"] = ["E-mail address", "Adresse e-mail", "البريد الإلكتروني", "ই-মেইল ঠিকানা"],
        ["SignIn.Password"] = ["Password", "Mot de passe", "كلمة المرور", "পাসওয়ার্ড"],
        ["SignIn.Submit"] = ["Sign in", "Se connecter", "تسجيل الدخول", "সাইন ইন"],
        // The one answer to every failure (unknown e-mail, wrong password, locked, disabled, no password yet).
        ["SignIn.Failed"] = [
            "The e-mail address or password is not right, or this account cannot sign in now.",
            "L'adresse e-mail ou le mot de passe n'est pas correct, ou ce compte ne peut pas se connecter pour le moment.",
            "البريد الإلكتروني أو كلمة المرور غير صحيحة، أو لا يمكن لهذا الحساب تسجيل الدخول الآن.",
            "ই-মেইল ঠিকানা বা পাসওয়ার্ড সঠিক নয়, অথবা এই অ্যাকাউন্ট দিয়ে এখন সাইন ইন করা যাবে না।"],
        ["SignIn.Forgot"] = [
            "Forgot your password? Ask your agency's admin for a new link.",
            "Mot de passe oublié ? Demandez un nouveau lien à l'administrateur de votre agence.",
            "نسيت كلمة المرور؟ اطلب رابطًا جديدًا من مسؤول وكالتك.",
            "পাসওয়ার্ড ভুলে গেছেন? আপনার সংস্থার অ্যাডমিনের কাছে নতুন লিংক চান।"],
        ["SignedIn.Title"] = ["Signed in", "Connecté", "تم تسجيل الدخول", "সাইন ইন হয়েছে"],
        ["SignedIn.Text"] = [
            "You are signed in. Go back to the portal to continue.",
            "Vous êtes connecté. Retournez au portail pour continuer.",
            "لقد سجّلت الدخول. عُد إلى البوابة للمتابعة.",
            "আপনি সাইন ইন করেছেন। চালিয়ে যেতে পোর্টালে ফিরে যান।"],
        ["SignedOut.Title"] = ["Signed out", "Déconnecté", "تم تسجيل الخروج", "সাইন আউট হয়েছে"],
        ["SignedOut.Text"] = ["You are signed out.", "Vous êtes déconnecté.", "لقد سجّلت الخروج.", "আপনি সাইন আউট করেছেন।"],
        ["Expired.Title"] = ["Form expired", "Formulaire expiré", "انتهت صلاحية النموذج", "ফর্মের মেয়াদ শেষ"],
        ["Expired.Text"] = [
            "This form has expired. Go back, reload the page and try again.",
            "Ce formulaire a expiré. Revenez en arrière, rechargez la page et réessayez.",
            "انتهت صلاحية هذا النموذج. ارجع، وأعد تحميل الصفحة، وحاول مرة أخرى.",
            "এই ফর্মের মেয়াদ শেষ হয়েছে। ফিরে যান, পাতাটি আবার লোড করুন এবং আবার চেষ্টা করুন।"],
        ["TooMany.Title"] = ["Too many attempts", "Trop de tentatives", "محاولات كثيرة جدًا", "অনেক বেশি চেষ্টা"],
        ["TooMany.Text"] = [
            "Too many sign-in attempts from this address. Try again in {0} seconds.",
            "Trop de tentatives de connexion depuis cette adresse. Réessayez dans {0} secondes.",
            "محاولات تسجيل دخول كثيرة جدًا من هذا العنوان. حاول مرة أخرى بعد {0} ثانية.",
            "এই ঠিকানা থেকে অনেক বেশিবার সাইন ইনের চেষ্টা হয়েছে। {0} সেকেন্ড পরে আবার চেষ্টা করুন।"],
        ["SetPassword.Title"] = ["Choose your password", "Choisir votre mot de passe", "حدّد كلمة المرور", "আপনার পাসওয়ার্ড ঠিক করুন"],
        ["SetPassword.New"] = ["New password", "Nouveau mot de passe", "كلمة المرور الجديدة", "নতুন পাসওয়ার্ড"],
        ["SetPassword.Hint"] = [
            "At least 12 characters. A few words you remember make a good password.",
            "Au moins 12 caractères. Quelques mots faciles à retenir font un bon mot de passe.",
            "12 حرفًا على الأقل. بضع كلمات تتذكرها بسهولة تصنع كلمة مرور جيدة.",
            "অন্তত ১২ অক্ষর। সহজে মনে থাকে এমন কয়েকটি শব্দ দিয়ে ভালো পাসওয়ার্ড হয়।"],
        ["SetPassword.Confirm"] = ["The same password again", "Le même mot de passe, encore une fois", "كلمة المرور نفسها مرة أخرى", "একই পাসওয়ার্ড আবার"],
        ["SetPassword.Submit"] = ["Set password", "Enregistrer le mot de passe", "حفظ كلمة المرور", "পাসওয়ার্ড ঠিক করুন"],
        ["SetPassword.Mismatch"] = [
            "The two passwords are not the same.",
            "Les deux mots de passe ne sont pas identiques.",
            "كلمتا المرور غير متطابقتين.",
            "দুটি পাসওয়ার্ড এক নয়।"],
        ["SetPassword.TooShort"] = [
            "The password needs at least 12 characters.",
            "Le mot de passe doit avoir au moins 12 caractères.",
            "تحتاج كلمة المرور إلى 12 حرفًا على الأقل.",
            "পাসওয়ার্ডে অন্তত ১২ অক্ষর লাগবে।"],
        ["SetPassword.Refused"] = [
            "This password cannot be used. Choose another one.",
            "Ce mot de passe ne peut pas être utilisé. Choisissez-en un autre.",
            "لا يمكن استخدام كلمة المرور هذه. اختر غيرها.",
            "এই পাসওয়ার্ড ব্যবহার করা যাবে না। অন্য একটি বেছে নিন।"],
        ["SetPassword.NotSet"] = [
            "The password could not be set; try again.",
            "Le mot de passe n'a pas pu être enregistré ; réessayez.",
            "تعذّر حفظ كلمة المرور؛ حاول مرة أخرى.",
            "পাসওয়ার্ড ঠিক করা যায়নি; আবার চেষ্টা করুন।"],
        ["SetPassword.Done.Title"] = ["Password set", "Mot de passe enregistré", "تم حفظ كلمة المرور", "পাসওয়ার্ড ঠিক হয়েছে"],
        ["SetPassword.Done"] = [
            "Your password is set. You can now sign in.",
            "Votre mot de passe est enregistré. Vous pouvez maintenant vous connecter.",
            "تم تحديد كلمة المرور. يمكنك الآن تسجيل الدخول.",
            "আপনার পাসওয়ার্ড ঠিক হয়েছে। এখন আপনি সাইন ইন করতে পারেন।"],
        ["SetPassword.Invalid.Title"] = ["Link not valid", "Lien non valable", "الرابط غير صالح", "লিংক বৈধ নয়"],
        ["SetPassword.Invalid"] = [
            "This link is not valid: it was used already, it has expired, or a newer one was made. Ask your agency's admin for a new link.",
            "Ce lien n'est pas valable : il a déjà servi, il a expiré ou un plus récent a été créé. Demandez un nouveau lien à l'administrateur de votre agence.",
            "هذا الرابط غير صالح: استُخدم من قبل، أو انتهت صلاحيته، أو أُنشئ رابط أحدث. اطلب رابطًا جديدًا من مسؤول وكالتك.",
            "এই লিংক বৈধ নয়: এটি আগেই ব্যবহার হয়েছে, মেয়াদ শেষ হয়েছে, অথবা নতুন একটি তৈরি হয়েছে। আপনার সংস্থার অ্যাডমিনের কাছে নতুন লিংক চান।"],
    };

    private readonly int index;

    private IdentityText(int index) => this.index = index;

    /// <summary>The language's code (<c>en</c>, <c>fr</c>, <c>ar</c>, <c>bn</c>): the page's <c>lang</c>.</summary>
    public string Code => Languages[index].Code;

    /// <summary>Arabic is written right to left: the page's <c>dir</c>.</summary>
    public string Direction => Code == "ar" ? "rtl" : "ltr";

    public string this[string key] => Words[key][index];

    public static IdentityText In(string code) => new(Math.Max(0, IndexOf(code)));

    /// <summary>Every key has a non-empty sentence in every language (the tests read this).</summary>
    public static IEnumerable<(string Key, string Code, string Text)> All() =>
        Words.SelectMany(w => Languages.Select((l, i) => (w.Key, l.Code, i < w.Value.Length ? w.Value[i] : "")));

    /// <summary>
    /// The page's language: the one chosen on the page (<c>lang</c> in the query or the form), then <c>ui_locales</c>
    /// of the authorization request in <paramref name="returnUrl"/>, then the remembered choice, then Accept-Language.
    /// A choice made on the page is remembered (a cookie for this gateway only, a year, no personal data).
    /// </summary>
    public static IdentityText For(HttpContext context, string? returnUrl = null)
    {
        var request = context.Request;
        var chosen = request.Query["lang"].ToString();
        // The form only when already read: a refused post answers in the language the page was in.
        if (IndexOf(chosen) < 0 && context.Features.Get<Microsoft.AspNetCore.Http.Features.IFormFeature>()?.Form is { } form
            && IndexOf(form["lang"].ToString()) >= 0)
            return In(form["lang"].ToString());
        if (IndexOf(chosen) >= 0)
        {
            context.Response.Cookies.Append(CookieName, chosen, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = request.IsHttps, MaxAge = TimeSpan.FromDays(365), Path = IdentityPages.Prefix,
            });
            return In(chosen);
        }
        if (UiLocale(returnUrl) is { } asked) return In(asked);
        if (request.Cookies.TryGetValue(CookieName, out var remembered) && IndexOf(remembered) >= 0) return In(remembered);
        foreach (var language in request.GetTypedHeaders().AcceptLanguage.OrderByDescending(l => l.Quality ?? 1))
            if (Supported(language.Value.Value) is { } code) return In(code);
        return In("en");
    }

    /// <summary>The first supported language of <c>ui_locales</c> (space-separated, OpenID Connect) in the return address.</summary>
    public static string? UiLocale(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl.IndexOf('?') is var q && q < 0) return null;
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(returnUrl[q..]);
        return query.TryGetValue("ui_locales", out var locales)
            ? locales.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Supported).FirstOrDefault(c => c is not null)
            : null;
    }

    /// <summary>"fr-CA" → "fr"; null for a language the pages are not in.</summary>
    private static string? Supported(string? tag)
    {
        if (string.IsNullOrEmpty(tag) || tag.Length > 35) return null;
        var primary = tag.Split('-', '_')[0].ToLowerInvariant();
        return IndexOf(primary) >= 0 ? primary : null;
    }

    private static int IndexOf(string? code)
    {
        for (var i = 0; i < Languages.Count; i++)
            if (string.Equals(Languages[i].Code, code, StringComparison.Ordinal)) return i;
        return -1;
    }
}
