# ruff: noqa: E501
"""The Trust's Mastodon account: its outbox, and the replies to its launch post.

Text is written plain; the builder turns it into Mastodon's HTML (paragraphs,
``<br>``, linked ``#hashtags``, ``@mentions`` and URLs). ``@user@domain`` at the
start of a reply is the mention Mastodon adds automatically.
"""

from __future__ import annotations

from . import node

INSTANCE = "social.riverside.example"
OWNER = "RiversideCommunityHealth"
OWNER_NAME = "Riverside Community Health NHS Trust"

#: Accounts that appear in the thread: acct -> display name.
ACCOUNTS = {
    OWNER: OWNER_NAME,
    "marlowe_mo": "Mo 🚲",
    "jen_bsl@signing.example": "Jen (Deaf, BSL user) 🤟",
    "valleygp@medics.example": "Dr Ros A. - GP, views my own",
    "riverside_patients_forum": "Riverside Patients' Forum",
    "owain_bach@toot.cymru.example": "Owain",
    "amina_writes@writing.example": "Amina ✍️",
    "grumpycat_rv": "grumpycat",
    "alex_rolls@disabled.social.example": "Alex (wheelchair user, they/them)",
    "opendata_dev@civic.example": "Dev - open data nerd",
    "leafylane_lou": "Lou",
    "carer_kez@care.example": "Kez, unpaid carer",
    "paramedic_pip@emergency.example": "Pip 🚑",
    "ray_retired_teacher": "Ray (retired teacher)",
    "truthnotfear@free.example": "TruthNotFear 🇬🇧",
    "quayside_quilter": "Hannah makes quilts",
}

LAUNCH_TIME = "2026-03-02T09:00:14.391Z"
LAUNCH_TEXT = """📣 Our consultation "Improving our Walk-in and Urgent Treatment Centre" is now open.

We're asking what you think about bringing the Marlowe Street Walk-in Centre and the Urgent Treatment Centre together at Riverside Community Hospital, and about booking same-day appointments online, in the NHS App or by phone.

Have your say by 30 April: https://riversidehealth.example/have-your-say

#Riverside #NHS #consultation"""

# fmt: off
#: Replies to the launch post, as returned by ``statuses/:id/context``.
THREAD = [
    node(1, OWNER, "How to take part 🧵\n\n💻 online survey (about 20 minutes, saves as you go)\n📞 ring 01632 960418, Mon-Fri 9-5, and we'll fill it in with you\n✉️ paper copies at both receptions, with freepost envelopes\n🗣️ drop-in sessions: see https://riversidehealth.example/drop-ins\n\nEasy read, large print, BSL and other languages on request.", after=2, key="howto", likes=31, boosts=22),
    node(2, "jen_bsl@signing.example", "@RiversideCommunityHealth \"BSL on request\" - so where is the BSL video? Deaf people shouldn't have to ask for a consultation to be made accessible. It should be there on day one like the English version.", likes=48, boosts=19),
    node(3, OWNER, "@jen_bsl You're right and we're sorry. The BSL version is being filmed with a Deaf-led organisation this week and we'll post it here as soon as it's ready. We'll also make sure the closing date works for people who only get it later.", likes=22, boosts=3, key="bsl_reply"),
    node(4, "jen_bsl@signing.example", "@RiversideCommunityHealth Thank you. Please also make the walk-in itself work for us - visual call screens, SMS booking, and staff who know how to book an interpreter at 8pm. That matters more than the video tbh.", likes=37, boosts=11),
    node(5, "alex_rolls@disabled.social.example", "@jen_bsl @RiversideCommunityHealth 💯 accessibility is the service, not an add-on to the consultation.", likes=15),
    node(2, "ray_retired_teacher", "@RiversideCommunityHealth 20 minutes is optimistic. Took me 45 and I'm used to forms.", likes=9),
    node(3, "leafylane_lou", "@ray_retired_teacher @RiversideCommunityHealth same, the free-text boxes ate most of my lunch break", likes=4),
    node(1, "marlowe_mo", "@RiversideCommunityHealth Marlowe Street is a 5 minute walk for me. Quayside Road is 2 buses or a £15 taxi. Lots of my neighbours don't drive. Whatever you decide, please keep something walk-in in the town centre.", likes=26, boosts=8),
    node(2, "grumpycat_rv", "@marlowe_mo @RiversideCommunityHealth this. Half the estate will just go to A&E instead, which is even further.", likes=12),
    node(2, OWNER, "@marlowe_mo Thanks Mo. Travel is one of the biggest things people are raising, and we've asked the bus company to come to the drop-ins. Please do say this in the survey - the \"what would make the new site easier to get to\" question is exactly for this.", likes=10),
    node(3, "marlowe_mo", "@RiversideCommunityHealth will do. A shuttle from the bus station in the evenings would fix most of it.", likes=19, boosts=2),
    node(1, "valleygp@medics.example", "@RiversideCommunityHealth As a local GP: I'd support co-location if (and only if) there's a properly staffed route back into general practice. At the moment people get seen at the walk-in, told to \"see your GP in 2 days\", and then can't get through to us. Bookable slots only work if the whole system joins up.", likes=54, boosts=21),
    node(2, "paramedic_pip@emergency.example", "@valleygp @RiversideCommunityHealth From the ambulance side: having X-ray and minor injuries in one place would save us so many conveyances to A&E. Big yes from me, with the same caveat about staffing.", likes=29, boosts=6),
    node(3, "valleygp@medics.example", "@paramedic_pip @RiversideCommunityHealth Agree. The principle's right, it's always the implementation.", likes=11),
    node(1, "owain_bach@toot.cymru.example", "@RiversideCommunityHealth Oes fersiwn Gymraeg o'r arolwg? Mae llawer ohonom ni'n byw dros y ffin ac yn defnyddio'r ganolfan.", lang="cy", likes=14, boosts=5),
    node(2, OWNER, "@owain_bach Diolch Owain. We don't have a Welsh version yet but we've asked for one and will post here when it's ready. In the meantime you can reply in Welsh by email and we'll have it translated.", likes=8),
    node(3, "owain_bach@toot.cymru.example", "@RiversideCommunityHealth Diolch yn fawr! 👍", lang="cy", likes=3),
    node(1, "amina_writes@writing.example", "@RiversideCommunityHealth کیا یہ سروے اردو میں بھی دستیاب ہے؟ میری والدہ انگریزی نہیں پڑھ سکتیں لیکن وہ اپنی رائے دینا چاہتی ہیں۔", lang="ur", likes=17, boosts=4),
    node(2, "amina_writes@writing.example", "@RiversideCommunityHealth (Asking if the survey is in Urdu - my mum can't read English but wants to have her say. Also: please make sure there are interpreters at the walk-in, not relatives on speakerphone.)", likes=21, boosts=5),
    node(3, OWNER, "@amina_writes Yes, the summary and survey are available in Urdu - ring 01632 960418 or ask at reception and we'll post one with a freepost envelope. Interpreting is a really important point, thank you.", likes=9),
    node(1, "carer_kez@care.example", "@RiversideCommunityHealth Please think about carers. I can't queue for 4 hours with my son (autistic, non-verbal) in a noisy waiting room. Last time we left before being seen. Being able to book a time and wait somewhere quiet would be life-changing for us.", cw="autism, distress in waiting room", likes=41, boosts=12),
    node(2, "quayside_quilter", "@carer_kez @RiversideCommunityHealth Same with my dad and his dementia. A quiet room, even a small one, please.", likes=16),
    node(2, "leafylane_lou", "@carer_kez 💛", likes=2),
    node(1, "truthnotfear@free.example", "@RiversideCommunityHealth Let's be honest, \"bringing services together\" = closing Marlowe St and selling it off. Same as every other \"consultation\". The decision was made months ago. #SaveMarloweStreet", likes=7, boosts=5),
    node(2, "opendata_dev@civic.example", "@truthnotfear @RiversideCommunityHealth The board papers are public. The option appraisal on p.31 lists three options, one of which keeps Marlowe Street open as a walk-in. No sale is mentioned anywhere. Happy to be proven wrong with a source.", likes=33, boosts=9),
    node(3, "truthnotfear@free.example", "@opendata_dev @RiversideCommunityHealth Board papers say whatever they want them to say. Do your research.", likes=1),
    node(4, "opendata_dev@civic.example", "@truthnotfear I did. That's why I linked the page number. 🤷", likes=28),
    node(5, "grumpycat_rv", "@opendata_dev @truthnotfear 🔥", likes=6),
    node(2, "riverside_patients_forum", "@truthnotfear @RiversideCommunityHealth We're an independent patients' forum and we've seen the options in detail. We have concerns too (transport, digital access) but nothing we've seen suggests a decision has been made. The best way to influence it is to respond.", likes=24, boosts=7),
    node(1, "alex_rolls@disabled.social.example", "@RiversideCommunityHealth Is the survey itself accessible? It doesn't work with my screen reader past page 3 - the radio buttons aren't labelled.", likes=19, boosts=10),
    node(2, OWNER, "@alex_rolls Thank you for flagging this. We've passed it to the survey provider as urgent. In the meantime, would you be happy to give your views by email or phone? engage@riversidehealth.example / 01632 960418.", likes=6),
    node(3, "alex_rolls@disabled.social.example", "@RiversideCommunityHealth I'll email. But please fix it, I won't be the only one.", likes=12),
    node(4, "opendata_dev@civic.example", "@alex_rolls @RiversideCommunityHealth Fieldset legends missing on the radio groups, had a quick look. It's a 10 minute fix for whoever built it.", likes=8),
    node(1, "paramedic_pip@emergency.example", "@RiversideCommunityHealth Also, a genuine thank you to the walk-in nurses. Handed over to them dozens of times and they've never once made a crew feel like a nuisance. ❤️", likes=44, boosts=6),
    node(1, "ray_retired_teacher", "@RiversideCommunityHealth Will the results be published in full, or just a glossy \"you said, we did\"?", likes=15, boosts=3),
    node(2, OWNER, "@ray_retired_teacher The full independent analysis will be published, including the number of responses for and against each option and anonymised comments. It goes to a public board meeting in the summer.", likes=11, boosts=2),
    node(3, "ray_retired_teacher", "@RiversideCommunityHealth Good. I'll hold you to that.", likes=5),
    node(1, "leafylane_lou", "@RiversideCommunityHealth booked! (the survey, not an appointment 😅)", likes=8),
    node(1, "grumpycat_rv", "@RiversideCommunityHealth fix the car park machines first", likes=10),
]

#: The Trust's other posts, oldest first: (time, text, options). Replies it made in
#: the thread above are added to the outbox by the builder.
POSTS = [
    ("2026-02-26T16:30:02.118Z", "Next Monday we're launching a public consultation on the future of same-day urgent care in Riverside. We want to hear from patients, carers, staff and anyone who uses the Walk-in Centre or the Urgent Treatment Centre. More soon. #Riverside", {}),
    ("2026-03-02T09:00:14.391Z", LAUNCH_TEXT, {"key": "launch"}),
    ("2026-03-04T12:10:40.004Z", "BOOST", {"boost": "https://social.riverside.example/users/riverside_patients_forum/statuses/116162280349022211"}),
    ("2026-03-09T10:02:55.560Z", "🤟 The BSL version of our consultation is now online: https://riversidehealth.example/have-your-say/bsl\n\nThank you to the Deaf community members who worked with us on it, and sorry it wasn't ready on day one. #BSL #Riverside", {}),
    ("2026-03-10T14:45:11.907Z", "We've seen posts saying you'll need to show your vaccination status to use the Walk-in Centre or UTC in future. This isn't true. Vaccination status has nothing to do with access to urgent care, now or under any of the options in our consultation. #Riverside", {}),
    ("2026-03-12T19:30:00.250Z", "If you're struggling right now:\n\n📞 call 111 and choose the mental health option, any time, day or night\n📱 talk to your GP practice, or a pharmacist if you're not sure where to start\n🚨 in an emergency call 999\n\nPeople in crisis walking in to our centres is one of the things our consultation asks about, and many of you have shared your experiences. Thank you.", {"cw": "Mental health, crisis support"}),
    ("2026-03-16T09:15:33.018Z", "You asked for drop-ins outside working hours, so we've added two:\n\n🕕 Thursday 19 March, 6-8pm, Brackenfield Community Centre\n🕙 Saturday 28 March, 10am-1pm, Riverside Central Library\n\nNo need to book. #Riverside", {}),
    ("2026-03-17T11:00:09.700Z", "BOOST", {"boost": "https://signing.example/users/deaf_riverside_club/statuses/116199731260419876"}),
    ("2026-03-20T13:05:47.312Z", "Halfway there: 1,240 responses so far. The biggest things you're telling us about:\n\n🚌 getting to Quayside Road without a car\n📱 booking for people who don't use smartphones\n⏳ waiting times\n🧠 support for people in mental health crisis\n👶 care for children in the evenings\n\nKeep them coming, the survey is open until 30 April.", {}),
    ("2026-03-27T10:30:21.845Z", "The survey now works properly with screen readers - thank you to everyone who reported problems. If it failed for you earlier, please try again or email engage@riversidehealth.example and we'll take your views that way.", {}),
    ("2026-04-01T09:00:00.130Z", "Ankieta jest teraz dostępna po polsku. Zadzwoń pod numer 01632 960418 lub zapytaj w recepcji, a wyślemy Ci wersję papierową z darmową kopertą zwrotną.", {"lang": "pl"}),
    ("2026-04-01T09:02:10.512Z", "مشاورت کا سروے اب اردو میں دستیاب ہے۔ کاغذی نسخے کے لیے 01632 960418 پر کال کریں یا استقبالیہ پر پوچھیں۔", {"lang": "ur"}),
    ("2026-04-03T15:20:44.090Z", "Mae'r crynodeb a'r arolwg bellach ar gael yn Gymraeg: https://riversidehealth.example/have-your-say/cymraeg", {"lang": "cy"}),
    ("2026-04-16T08:30:00.020Z", "Two weeks left to have your say on the Walk-in Centre and UTC. Paper copies at both receptions. #Riverside", {"visibility": "unlisted"}),
    ("2026-04-29T17:45:52.671Z", "Last full day tomorrow! If you haven't yet, it takes about 20 minutes, or ring us and we'll do it with you. #Riverside #NHS", {}),
    ("2026-04-30T23:59:30.004Z", "The consultation is now closed. Thank you to the 3,118 people who responded online, on paper, by phone, at drop-ins and in threads like this one. An independent team will analyse every response and the full report will be published before the board decides in July.", {}),
]
# fmt: on
