# ruff: noqa: E501
"""Tweets about the consultation, as an X API v2 search collected with twarc2.

Query: ``@RiversideCHT OR from:RiversideCHT OR #RiversideUTC``. Conversations are
written as level lists; the builder adds the leading ``@mentions`` X puts in the
text of a reply, and escapes ``&``, ``<`` and ``>`` as the API does.
"""

from __future__ import annotations

from . import node

OWNER = "RiversideCHT"
QUERY = "@RiversideCHT OR from:RiversideCHT OR #RiversideUTC"

#: username -> display name.
USERS = {
    OWNER: "Riverside Community Health NHS Trust",
    "RiversideGazetteNews": "Riverside Gazette",
    "QuaysideWardCllr": "Quayside Ward Councillor",
    "bev_in_brackenfield": "Bev 🌻",
    "DaiTheBus": "Dai 🏴",
    "nurse_anon_rv": "Night nurse (views my own)",
    "SaveMarloweSt": "Save Marlowe Street Walk-in",
    "MaxPowerRV": "Max",
    "StaffSideRep_RV": "RCH staff side rep",
    "DeafRiversideClub": "Deaf Riverside Club 🤟",
    "karenk_rv": "Karen K",
    "lurking_liam": "Liam",
    "HealthySceptic_RV": "Healthy Sceptic 🔎",
    "tired_mum_of_4": "Jo (tired mum of 4)",
    "RiversideBusNerd": "Riverside Bus Nerd 🚌",
    "AdeThePharmacist": "Ade | community pharmacist",
    "ShiftWorkerSam": "Sam",
    "OldQuayHistory": "Old Quay History Group",
    "rv_banter_lad": "banter merchant",
}

# fmt: off
#: Conversations: (root time, root author, root text, replies, root options).
CONVERSATIONS = [
    ("2026-03-02T09:00:31.000Z", OWNER, "📣 Our consultation on the future of the Marlowe Street Walk-in Centre & Urgent Treatment Centre is open until 30 April.\n\nShould they come together at Riverside Community Hospital? Should you be able to book same-day slots?\n\nHave your say 👉 https://t.co/hVr3sNq8Lk #RiversideUTC", [
        node(1, OWNER, "How to respond:\n💻 online survey (link above)\n📞 01632 960418, Mon-Fri 9-5\n✉️ paper copies at both receptions\n🗣️ drop-ins at the library & Brackenfield Community Centre\n\nEasy read, large print, BSL & other languages on request. #RiversideUTC", after=1, likes=18, rts=9),
        node(2, "ShiftWorkerSam", "drop-ins are Tues & Weds 10-2. some of us work for a living? evening one please", likes=41, rts=3),
        node(3, OWNER, "Thanks Sam, you're not the only one to say this. We're adding an evening and a weekend session and will post the dates this week.", likes=12),
        node(4, "ShiftWorkerSam", "👍 cheers", likes=2),
        node(1, "SaveMarloweSt", "\"Come together\" = Marlowe St closes. Don't be fooled. 3 miles further for the people with the least. #SaveMarloweStreet #RiversideUTC", likes=96, rts=58),
        node(2, "lurking_liam", "Isn't option C literally keeping a walk-in on Marlowe St though? Did you read it", likes=33),
        node(3, "SaveMarloweSt", "Option C is a \"smaller\" walk-in. Smaller = fewer hours, fewer staff, then closed in 2 years. Seen it all before.", likes=47, rts=12),
        node(4, "lurking_liam", "That's a reasonable worry and a much better argument than \"it's closing\" tbh", likes=29),
        node(5, "SaveMarloweSt", "Fair. We'll be pushing for option C with guaranteed hours. Petition link in bio.", likes=38, rts=6, edited=4),
        node(2, "bev_in_brackenfield", "Two buses from Old Quay. Three on a Sunday. My mum's 81.", likes=64, rts=8),
        node(3, "RiversideBusNerd", "Route 14 after 6pm is every 40 mins and it doesn't run Sundays at all. If it moves, the bus has to change with it. Simple as.", likes=52, rts=14),
        node(4, "DaiTheBus", "Ydy, mae angen bws gyda'r nos. Dw i'n gyrru'r 14 a does neb yn gofyn i ni.", lang="cy", likes=19, rts=4),
        node(5, "bev_in_brackenfield", "Had to google that 😂 but yes, ask the drivers!", likes=11),
        node(6, "DaiTheBus", "Sorry, habit! Said there needs to be an evening bus, I drive the 14 and nobody ever asks us 🙂", likes=24),
        node(1, "nurse_anon_rv", "Nurse at the UTC. Honestly? Merging with the walk-in makes sense clinically. What doesn't make sense is doing it without extra staff. Ask them about the rota, not just the building.", likes=88, rts=21),
        node(2, "StaffSideRep_RV", "Staff side are asking exactly this. Every post must transfer. We'll be at the drop-ins.", likes=31, rts=7),
        node(2, "rv_banter_lad", "(deleted by its author)", deleted=True),
        node(3, "nurse_anon_rv", "Not sure why you'd say that about people who've just done a 12 hour shift but ok", likes=26),
        node(3, "karenk_rv", "Whatever that was, it's gone now. Good. Staff at that place saved my husband's hand last year.", likes=21),
        node(1, "tired_mum_of_4", "Just let me book a slot at 7pm from my phone instead of sitting there with four kids for 3 hours and I'll vote for whatever you like 😩", likes=73, rts=5),
        node(2, "karenk_rv", "and what about the people who can't use an app Jo? my dad can't even text", likes=18),
        node(3, "tired_mum_of_4", "Phone line too! I'm not saying take walk-in away. Just give us the choice", likes=27),
        node(4, "karenk_rv", "ok fair, choice I can get behind", likes=9),
        node(1, "MaxPowerRV", "imagine spending money on a consultation instead of doctors", likes=22, rts=2),
        node(2, "lurking_liam", "It's a legal requirement when they change services mate. Not optional.", likes=30),
        node(3, "MaxPowerRV", "still a waste", likes=1),
        node(1, "DeafRiversideClub", "BSL version please! Deaf people are patients too. 🤟 #RiversideUTC", likes=45, rts=22),
        node(2, OWNER, "You're right, and it's being filmed with Deaf Riverside Club members this week. Sorry it wasn't ready on launch day.", likes=20, rts=4),
        node(3, "DeafRiversideClub", "Thank you. We look forward to it. Also: visual call screens in the waiting room!", likes=17, rts=3),
        node(1, "AdeThePharmacist", "Reminder that lots of minor stuff (sore throats, earache, UTIs, insect bites) can be seen at your local pharmacy, no appointment needed. Would love the new booking system to send people our way properly. #RiversideUTC", likes=36, rts=15),
        node(1, "karenk_rv", "this", lang="qst", likes=3),
    ], {"likes": 214, "rts": 187, "quotes": 12}),
    ("2026-03-10T14:46:02.000Z", OWNER, "We've seen claims you'll need to show your vaccination status to use the Walk-in Centre or UTC in future. That is not true. Vaccination status has nothing to do with access to urgent care, now or under any option in our consultation. #RiversideUTC", [
        node(1, "HealthySceptic_RV", "Then why are you collecting NHS numbers through an app? Follow the money. #DoYourOwnResearch", likes=6, rts=3),
        node(2, "AdeThePharmacist", "Your NHS number is how a clinician sees your allergies and medicines. Every pharmacy, GP and A&E uses it. There's nothing new or sinister about it.", likes=58, rts=9),
        node(3, "HealthySceptic_RV", "That's what they want you to think", likes=2),
        node(4, "lurking_liam", "who's \"they\" here, the pharmacist??", likes=34),
        node(5, "HealthySceptic_RV", "I'm not arguing with sheep", likes=1),
        node(1, "RiversideGazetteNews", "We asked the Trust about the claims circulating in local Facebook groups. Full story on our site.", likes=14, rts=6),
        node(1, "bev_in_brackenfield", "Thank you for putting this out. My neighbour was genuinely scared she wouldn't be seen.", likes=23),
        node(1, "MaxPowerRV", "lol who believed that", likes=5),
        node(2, "bev_in_brackenfield", "Lots of frightened older people, Max. Not funny.", likes=19),
    ], {"likes": 121, "rts": 64, "quotes": 7}),
    ("2026-03-20T13:06:15.000Z", OWNER, "Halfway there: 1,240 responses so far. Top themes:\n🚌 getting to Quayside Road\n📱 booking without a smartphone\n⏳ waiting times\n🧠 mental health crisis support\n👶 children in the evening\nStill time to have your say 👉 https://t.co/hVr3sNq8Lk #RiversideUTC", [
        node(1, "QuaysideWardCllr", "Good to see transport at the top. I've written to the bus operator asking for a later 14 and a Sunday service. Will share the reply. #RiversideUTC", likes=39, rts=11),
        node(2, "RiversideBusNerd", "🙌🙌🙌", lang="art", likes=8),
        node(1, "ShiftWorkerSam", "Went to the Thursday evening drop-in. Good chat, they actually listened. Credit where it's due 👏", likes=27, rts=2),
        node(1, "tired_mum_of_4", "Children in the evening should be #1 tbh. 3 of mine have needed stitches after 6pm this year alone 🙃", likes=31),
        node(2, "nurse_anon_rv", "Jo what are you feeding them 😂 hope they're all ok", likes=22),
        node(3, "tired_mum_of_4", "trampoline. the answer is always trampoline", likes=40),
        node(1, "HealthySceptic_RV", "1,240 out of 90,000 people. Hardly a mandate is it", likes=4),
        node(2, "lurking_liam", "Not a referendum, it's feedback. And it's halfway.", likes=16),
    ], {"likes": 88, "rts": 41, "quotes": 3}),
]

#: Retweets: (time, username, index into CONVERSATIONS of the retweeted root).
RETWEETS = [
    ("2026-03-02T09:14:50.000Z", "bev_in_brackenfield", 0),
    ("2026-03-02T10:02:11.000Z", "QuaysideWardCllr", 0),
    ("2026-03-03T18:40:05.000Z", "DeafRiversideClub", 0),
    ("2026-03-20T13:30:47.000Z", "StaffSideRep_RV", 2),
]

#: Quote tweets and other tweets using the hashtag: (time, username, text, quoted root
#: index into CONVERSATIONS or None, options).
STANDALONE = [
    ("2026-03-02T11:25:00.000Z", "RiversideGazetteNews", "Big changes proposed for Riverside's walk-in centre. Here's what the consultation means for you - and how to have your say. #RiversideUTC https://t.co/gZ4kWq0pXe", 0, {"likes": 42, "rts": 19}),
    ("2026-03-02T12:47:33.000Z", "QuaysideWardCllr", "Important for Quayside Ward residents - many of you rely on Marlowe Street. Please respond, and come to my surgery on Friday if you want help filling it in.", 0, {"likes": 31, "rts": 14}),
    ("2026-03-05T20:12:09.000Z", "OldQuayHistory", "Marlowe Street clinic opened in 1961 in the old Co-op building. Whatever happens next, 65 years of Riverside stories in there. 📸 #RiversideUTC", None, {"likes": 77, "rts": 23}),
    ("2026-03-28T15:03:44.000Z", "StaffSideRep_RV", "Staff side position on the #RiversideUTC consultation: we support one site with X-ray IF every current post transfers, rotas are agreed with staff, and there's a proper plan for parking & evening transport. Full statement below.", None, {"likes": 29, "rts": 17}),
]
# fmt: on
