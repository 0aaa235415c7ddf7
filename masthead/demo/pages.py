"""Plain pages of the demo paper: about us, terms of service, privacy policy.

Written for a demonstration site: sensible, readable, and plainly not legal
advice. A real newsroom replaces them in the admin before launch.
"""

from __future__ import annotations

# (slug, title, rich-text body) in menu order.
ABOUT = (
    "about-us",
    "About us",
    """
<p>The Alder Bay Lantern has reported on the city and the world beyond its harbour since
1887. We are an independent newsroom of reporters, editors, photographers, designers and
developers, funded by our readers' subscriptions.</p>
<h2>What we cover</h2>
<p><b>City</b> follows City Hall, transit, schools, housing and the neighbourhoods of Alder
Bay. <b>World</b> reports from the countries around the Tessaly Strait and further afield.
<b>Climate</b> explains the science of a warming coast and the choices it forces.</p>
<h2>How we work</h2>
<ul>
<li>We name our sources whenever we can, and explain why when we cannot.</li>
<li>When another outlet reports something first, we credit and link to it.</li>
<li>We correct mistakes openly, at the end of the story, with the date of the correction.</li>
<li>Our data desk publishes the data and methods behind its analyses.</li>
</ul>
<h2>Contact</h2>
<p>News tips, corrections and letters reach the newsroom at newsroom@alderbaylantern.example.
This is a demonstration site: the paper, its staff and the places it reports on are
fictional.</p>
""",
)

TERMS = (
    "terms-of-service",
    "Terms of Service",
    """
<p>These terms apply to your use of the Alder Bay Lantern's website, newsletters and
digital subscriptions. By creating an account or subscribing, you agree to them.</p>
<h2>Your account</h2>
<p>You need a valid email address to register. Keep your password to yourself; you are
responsible for what is done with your account. You may close your account at any time
from your account page, and we will delete your personal data as described in our Privacy
Policy.</p>
<h2>Free stories and subscriptions</h2>
<p>Readers without a subscription may read a limited number of stories each month. A free
trial gives you full access for the period shown when you sign up; it ends automatically
and is never converted into a paid subscription without your explicit agreement. Each
person may take one free trial.</p>
<h2>Comments and contributions</h2>
<p>Be civil. Do not post anything unlawful, abusive, misleading or that infringes someone
else's rights. We may remove comments, close discussions and suspend accounts that break
these rules. You keep the rights to what you write, and allow us to publish it alongside
our journalism.</p>
<h2>Our content</h2>
<p>Our stories, pictures and videos are protected by copyright. You may share links and
short quotations with credit; please ask before republishing anything in full.</p>
<h2>Changes to these terms</h2>
<p>When we change these terms we update the version shown in your account and tell you
by email before the change takes effect. Each version you accepted is recorded.</p>
<h2>Contact</h2>
<p>Questions about these terms: reader-help@alderbaylantern.example.</p>
""",
)

PRIVACY = (
    "privacy-policy",
    "Privacy Policy",
    """
<p>This policy explains what personal data the Alder Bay Lantern collects, why, and what
you can do about it. We collect as little as we need to run the site and keep your
account.</p>
<h2>What we collect</h2>
<ul>
<li><b>Account details:</b> your email address, and your name if you give it.</li>
<li><b>Consent records:</b> which version of our terms you accepted, when, and from which
network address, so we can show that you agreed.</li>
<li><b>Subscriptions:</b> your trial or subscription status and the newsletters and
series alerts you chose.</li>
<li><b>Reading:</b> a count of the stories you read, used to apply the free-story limit
and to suggest stories and videos. Anonymous readers' counts are kept in a signed cookie
on their own device.</li>
<li><b>Comments</b> you post, and reports you make about others' comments.</li>
</ul>
<h2>How we use it</h2>
<p>To provide your account and subscription, send the emails you asked for, apply the
free-story limit, moderate comments, and keep the site secure. We do not sell personal
data, and we do not share it with advertisers.</p>
<h2>Emails</h2>
<p>Every newsletter and alert contains a link to unsubscribe in one click. Account emails,
such as sign-in links, are sent only when you ask for them.</p>
<h2>Your rights</h2>
<p>From your account page you can download a copy of your data and delete your account.
Deleting your account erases your personal data; comments you posted are kept without
your name, unless you ask us to remove them.</p>
<h2>How long we keep it</h2>
<p>Account data is kept while your account is open. Consent records are kept for as long
as we may need to show that you agreed, and no longer than six years after your account
is closed.</p>
<h2>Contact</h2>
<p>Questions or requests: privacy@alderbaylantern.example.</p>
""",
)

PAGES = [ABOUT, TERMS, PRIVACY]
