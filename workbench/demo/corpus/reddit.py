# ruff: noqa: E501
"""The r/Riverside thread: the Trust's engagement team asks the subreddit.

Reddit markdown as typed (``>`` quotes, ``*`` lists, ``**bold**``). Entries whose
author is ``"[deleted]"`` and text ``"[deleted]"`` / ``"[removed]"`` are written
as Reddit shows them to the public.
"""

from __future__ import annotations

from . import continue_thread, more, node

SUBREDDIT = "Riverside"
POST_AUTHOR = "RCH_EngagementTeam"
POST_TIME = "2026-03-03T08:47:12Z"
POST_TITLE = (
    "Riverside Community Health here - we want your views on the Walk-in Centre "
    "and Urgent Treatment Centre (consultation open until 30 April)"
)
POST_TEXT = """Hi r/Riverside, I'm Dani from the engagement team at Riverside Community Health NHS Trust. The mods kindly agreed we could post this.

We're consulting on changes to how people get same-day urgent care in Riverside:

* moving the Marlowe Street Walk-in Centre into the Urgent Treatment Centre (UTC) at Riverside Community Hospital on Quayside Road, so everything is in one building with X-ray on site
* letting people **book a same-day slot** online, through the NHS App or by phone (01632 960418), instead of only turning up and queuing
* keeping walk-in access for anyone who can't or doesn't want to book
* opening hours stay 8am-10pm, 7 days a week

Nothing has been decided. The survey is open until 30 April and there are drop-in sessions at Riverside Central Library and Brackenfield Community Centre. Paper copies, easy read, large print, BSL and other languages are available on request.

We'll be reading this thread and answering what we can, but we can't discuss anyone's personal care on here. If you need urgent help now, use 111, or 999 in an emergency.

**Edit:** a few people have asked - yes, comments here will be counted as consultation feedback (anonymised, no usernames)."""
POST_EDITED_MINUTES = 190
POST_SCORE = 412

# fmt: off
COMMENTS = [
    node(1, "AutoModerator", "**Reminder:** this thread is part of a public consultation. Be civil, no personal medical details about other people, no rumours posted as fact (rule 3). Reports are watched.\n\n*I am a bot, and this action was performed automatically. Please contact the moderators of this subreddit if you have any questions or concerns.*", score=1, distinguished="moderator", stickied=True, after=1),

    # waiting times
    node(1, "wait_what_RV2", "Honestly the booking thing sounds fine in theory but the actual problem is the wait once you're there. Took my son in with a suspected broken wrist in January, arrived 6.10pm, seen at 11.40pm. Five and a half hours in a room with no water fountain and a vending machine that ate my £2.\n\nBooking a slot doesn't fix not having enough clinicians.", score=187),
    node(2, "RCH_EngagementTeam", "Thanks for sharing this, and sorry about the wait your son had. You're right that booking on its own doesn't add staff. Part of the reason for bringing the two services together is that the walk-in centre and the UTC run separate rotas at the moment, so on a bad evening one is overwhelmed while the other has a nurse practitioner free. There's more on staffing on p.14 of the consultation document.\n\nWould you be willing to put the water/vending point in the survey too? That kind of detail genuinely gets picked up.", score=64, is_submitter=True),
    node(3, "wait_what_RV2", "Fair answer tbh. Will do.", score=22),
    node(3, "grumpy_pensioner_RV4", "\"genuinely gets picked up\" they said that about the car park in 2019 and we're still paying £4.80 to sit in a queue", score=41),
    node(4, "RCH_EngagementTeam", "Parking is in scope this time - it's question 9. I know that's not the same as it being fixed, but it's in there.", score=12, is_submitter=True),
    node(5, "grumpy_pensioner_RV4", "I'll believe it when I see it, love. But ta for replying, more than the council ever does.", score=30),
    node(6, "RCH_EngagementTeam", "Ha, we'll take that. We'll post a \"you said, we did\" summary in here when it closes so you can hold us to it.", score=17, is_submitter=True),
    continue_thread(7),
    node(2, "nightshift_hca", "HCA at the UTC here (not speaking for the trust obvs). The five hour waits are real and I hate them as much as you do. What people don't see is we often get a load of people redirected from A&E at exactly the same time as the evening rush. Booking would at least let us spread out the minor stuff.\n\nPlease be kind to the reception team, they get the worst of it.", score=142),
    node(3, "kettle_on_again", "Thank you for what you do. Genuinely. Was in last month and the nurse who did my dressing was brilliant even though she'd clearly been on her feet for 12 hours", score=35),
    node(3, "no_more_queues_pls", "Not having a go at staff at all but \"be kind to reception\" cuts both ways, the lady on the desk told my mum to \"stop making a fuss\" when she was having chest pains. Some of them need training.", score=58),
    node(4, "nightshift_hca", "That's not ok and I'm sorry that happened to your mum. Chest pain should be flagged straight away. Please put that in a complaint to PALS as well as the survey, it does get looked at.", score=40),
    node(4, "[deleted]", "[deleted]", score=3),
    node(4, "Brackenfield_Bev", "Same experience with one particular receptionist, but the rest have always been lovely. It's a lottery.", score=9),
    more(4, 3, 2),
    node(2, "TheRealBusStopGremlin", "5.5 hours is nothing, try the Royal on a Friday night", score=15),
    node(3, "wait_what_RV2", "Not really the point mate", score=27),

    # phone and online booking, digital exclusion
    node(1, "OldQuayOliver", "My dad is 84, has a Nokia brick and no internet. Last time he needed the GP he rang at 8am on the dot, was 27th in the queue, got cut off at 8.40, rang again, and by then \"all today's appointments have gone\". So when I read \"book online or through the NHS App\" my heart sinks a bit.\n\nI know you say walk-in stays, but if all the decent slots are booked by people with apps by 8.05, the walk-ins will be the ones waiting five hours. That's not equal access, that's a two-tier system where the tier is whether you own an iPhone.\n\nAlso - and I say this as someone who works in IT - the current RCH website doesn't work on my dad's old tablet. The \"book\" button is off the side of the screen.\n\nWhat I'd actually like:\n\n* a phone line answered by a human, with callbacks instead of hold music\n* a guaranteed number of slots held back for phone and walk-in\n* someone on the desk who can book for you if you turn up\n\nPut that in writing in the final proposal and I'll support it.", score=203, edited=95),
    node(2, "RCH_EngagementTeam", "Really helpful, thank you. Holding back slots for phone and walk-in is one of the options in section 4 of the document, and it's exactly the kind of thing we need people to tell us they want. On the website - could you DM me the device/browser? I'll pass it to our digital team today.", score=58, is_submitter=True),
    node(3, "OldQuayOliver", "DM'd. Cheers.", score=11),
    node(2, "sign_with_sam", "Adding to this: a phone line is no use to Deaf people either. I'm Deaf, BSL is my first language. Every time something goes \"phone first\" I get pushed to the back.\n\nPlease make sure there's a text/SMS option and that the walk-in desk knows how to book a BSL interpreter. Last time I waited 3 hours and missed my turn because they CALLED my name out. Nobody came to find me.", score=176),
    node(3, "wheelie_good_time", "This is so important. A visual call screen should be standard. My GP has one and it can't cost much", score=44),
    node(4, "pharm_not_farm", "The old walk-in centre had one! Broke in about 2022 and never got fixed", score=19),
    node(5, "sign_with_sam", "Yes!! It said \"out of order\" for two years lol", score=21),
    node(3, "RCH_EngagementTeam", "Thank you Sam. There will be a BSL version of the consultation - it's being filmed this week. I'm sorry it wasn't ready at launch, that's on us. I've noted the call screen.", score=37, is_submitter=True),
    node(4, "sign_with_sam", "Consultation launched without BSL. Again. 🙃 Appreciate the honesty though", score=52),
    node(2, "m0rtgage_and_migraines", "Counterpoint: I'm 34, work shifts, and being able to book a 7pm slot from my phone at lunch instead of sitting in a waiting room for 4 hours with a toddler would genuinely change my life. Both things can be true. Keep walk-in, add booking.", score=91),
    node(3, "OldQuayOliver", "Agreed, I'm not against booking. Just against booking being the only decent option.", score=38),
    node(3, "grumpy_pensioner_RV4", "everything's an app now. Parking's an app, the bus is an app, now being ill's an app", score=66),
    node(4, "RiversideDad83", "to be fair the bus being an app is great", score=8),
    node(5, "grumpy_pensioner_RV4", "not when your phone's dead it isn't", score=24),
    node(2, "Edna_at_79", "I'm 79 and I use the NHS App perfectly well thank you very much. My granddaughter showed me once. Please stop assuming old means useless, some of us are quite capable. What I can't do is stand for 3 hours, so booking suits me.", score=121),
    node(3, "OldQuayOliver", "Fair play Edna, you're right, it's not about age really. It's about whether you've got the kit and someone to show you.", score=47),
    node(3, "kettle_on_again", "Edna for trust chair 👏", score=29),

    # misinformation: "it's closing"
    node(1, "truthseeker_rv", "Wake up people. This is a CLOSURE dressed up as a consultation. Marlowe Street is being sold to developers, my cousin's mate works at the council and they've already got plans for flats. Decision's been made. Don't waste your time filling in their survey.\n\nEDIT: downvote all you like, you'll see.", score=-6, edited=240, controversiality=1),
    node(2, "LocumLottie", "It's literally in the document that the service moves to Quayside Road. Same hours, same staff. You can disagree with the move (I've got concerns about the bus route myself) but \"closure\" just isn't what's being proposed.", score=88),
    node(3, "truthseeker_rv", "Moving it 3 miles away from the people who use it IS closing it for those people. Semantics.", score=34),
    node(4, "LocumLottie", "That's a fair argument to make in the consultation. \"My cousin's mate says it's sold for flats\" isn't.", score=71),
    node(4, "Brackenfield_Bev", "He's got a point about the distance though. From Old Quay it's two buses.", score=25),
    node(5, "RiversideDad83", "The 14 goes straight there? Takes 20 mins", score=6),
    node(6, "Brackenfield_Bev", "The 14 goes every 40 min after 6pm and not at all on Sundays. So if your kid gets hurt Sunday teatime you're getting a taxi. £18 last time I checked.", score=33),
    node(3, "RCH_EngagementTeam", "To be clear: no decision has been made and there are no plans to sell Marlowe Street. The building is leased from the council and any future use would be the council's decision, not ours. All the options are in the document and we'll publish a summary of everything we receive.", score=45, is_submitter=True),
    node(4, "truthseeker_rv", "That's exactly what you'd say though isn't it", score=3),
    node(4, "[deleted]", "[removed]", score=1),
    node(2, "mod_RiversideCentral", "Rule 3 reminder: no unverified claims presented as fact. Argue about the proposals all you like, but please don't post rumours as if they're confirmed.", score=20, distinguished="moderator"),

    # misinformation: vaccines
    node(1, "HollyhockHealing", "Heard they're only going to see you at the new centre if you've had all your jabs and you'll have to show your vaccine record on the app. That's why it's all going online. Absolutely not consenting to that.", score=2),
    node(2, "pharm_not_farm", "That's not true. There's nothing in the proposal about vaccine status, and no NHS urgent care service turns people away based on vaccination. The app is for booking, that's it.", score=64),
    node(3, "HollyhockHealing", "why would they need my NHS number to book then", score=1),
    node(4, "pharm_not_farm", "Because they need to pull up your record so the clinician knows your meds and allergies? Same as when you walk in and they ask your date of birth.", score=38),
    node(5, "HollyhockHealing", "Ill do my own research thanks", score=-4),
    node(6, "TheRealBusStopGremlin", "do your own research on the 14 timetable while you're at it", score=17),
    node(2, "kettle_on_again", "Where did you hear this? Genuinely asking, because if it's going round Facebook the trust needs to know", score=19),
    node(3, "HollyhockHealing", "Riverside Mums group, loads of people saying it", score=2),
    node(4, "RCH_EngagementTeam", "Thanks - we'll put out a clarification. To confirm: vaccination status has nothing to do with access to the walk-in centre or the UTC, now or under any of the options.", score=41, is_submitter=True),

    # disability access, parking, transport
    node(1, "wheelie_good_time", "Wheelchair user here. Marlowe Street is on the flat, next to the bus station, with a dropped kerb right outside. Quayside Road has a hill like a ski jump from the bus stop, 4 blue badge bays for the whole hospital, and a main entrance door that \"opens automatically\" when it feels like it.\n\nBefore moving anything please do an access audit WITH disabled people, not for us.", score=151),
    node(2, "RCH_EngagementTeam", "Thank you. An access audit is planned and we're recruiting people with lived experience to be part of it, paid for their time. If you're interested, email engage@riversidehealth.example with \"access panel\" in the subject.", score=40, is_submitter=True),
    node(3, "wheelie_good_time", "Paid? Ok that's actually decent. Emailing now.", score=29),
    node(2, "Saltmarsh_Sue", "And the pay and display machines up there only take coins or the app. Who has coins?! Had to leave my husband in the car with a head wound while I went looking for a cash machine.", score=47),
    node(3, "grumpy_pensioner_RV4", "I have coins. I'm the last man in Riverside with coins.", score=58),
    node(4, "Saltmarsh_Sue", "well next time I'll come and find you 😂", score=22),
    node(3, "no_more_queues_pls", "Free parking for the first two hours for UTC patients. Simplest fix in the world.", score=36),
    node(2, "cyclist_on_quay", "Bike racks! There are 2 and they're round the back by the bins", score=11),
    node(3, "TheRealBusStopGremlin", "nobody is cycling to urgent care with a broken leg mate", score=14),
    node(4, "cyclist_on_quay", "Parents cycle there with kids. Staff cycle there. Visitors cycle there. Wild concept I know.", score=32),

    # mental health crisis
    node(1, "throwaway_quayside", "Throwaway for obvious reasons.\n\nLast autumn I went to the walk-in centre at 9pm because I was in a really bad way mentally and didn't know where else to go. The receptionist was kind but the only thing they could do was give me a leaflet with the crisis line number and tell me to go to A&E, which was 40 minutes away. I didn't go. I'm ok now, but I think about that night a lot.\n\nIf you're redesigning the service, please think about people in crisis who walk in because it's the only door that's open at that time. Even a quiet room and someone with mental health training would make a massive difference. A booking app does nothing for someone at their lowest. Not everyone in crisis looks like they're in crisis.", score=264),
    node(2, "LocumLottie", "Thank you for posting this and I'm really glad you're ok. This is one of the biggest gaps in urgent care everywhere, not just here. Mental health liaison at the UTC should be a priority.", score=77),
    node(2, "RCH_EngagementTeam", "Thank you for trusting us with this. Crisis mental health support is part of option B and we're talking with the mental health trust about a crisis practitioner in the evenings. If you're ever in that place again, you can call 111 and choose the mental health option, any time. Please do consider putting this in the survey too (it can be anonymous).", score=60, is_submitter=True),
    node(3, "throwaway_quayside", "Option B is the one I'll be backing then. Thanks for replying.", score=25),
    node(2, "MindfulMarcus_RV", "There used to be volunteers who ran a quiet space in the community centre on Friday nights. Shame that stopped when the funding went.", score=14),
    node(3, "kettle_on_again", "didn't know that was a thing! lovely idea", score=6),
    node(2, "[deleted]", "Same thing happened to my brother. They gave him a leaflet. He's not here anymore. I don't want anyone else's family going through it.", score=89),
    node(3, "throwaway_quayside", "I'm so sorry.", score=19),
    node(3, "Brackenfield_Bev", "Sending love to you and your family x", score=14),

    # children
    node(1, "RiversideDad83", "Anything for kids? Our 3 year old had croup at 2am last month, walk-in was shut, 111 sent us to A&E, 6 hours there surrounded by drunks. A children's nurse at the UTC in the evenings would be amazing.", score=72),
    node(2, "m0rtgage_and_migraines", "THIS. Also a separate bit of the waiting area for children please. Last time my daughter sat next to a man throwing up into a bag for 2 hours.", score=48),
    node(3, "RiversideDad83", "the bag man is a universal experience", score=39),
    node(2, "nightshift_hca", "We do see kids over 1 at the UTC. Under 1s we'd normally send to paeds at the Royal. Not saying it's perfect but worth knowing.", score=27),
    node(3, "RiversideDad83", "Didn't know that, cheers. Why doesn't the website say that?!", score=14),
    node(4, "nightshift_hca", "Excellent question. Put it in the survey 😅", score=21),

    # staff praise
    node(1, "Brackenfield_Bev", "Just want to say something positive amid all this. Took my nan in after a fall in February. The nurse practitioner who saw her was incredible, spoke TO her not at me, explained everything, even found her a cup of tea and a biscuit at 10pm. Whatever you change, keep people like that.", score=98),
    node(2, "RCH_EngagementTeam", "This is lovely to read, thank you. I'll pass it on to the team.", score=22, is_submitter=True),
    node(2, "kettle_on_again", "+1 the staff are the best thing about it. The building and the system are the problem.", score=31),
    node(3, "QuayCat", "this", score=5),

    # taking part in the consultation
    node(1, "Saltmarsh_Sue", "The survey is 38 questions and it timed out on me at question 31. Lost everything. Not doing it again.", score=67),
    node(2, "RCH_EngagementTeam", "Sorry about that - there was a timeout problem on the first day which is now fixed (it saves as you go). If you'd rather, you can reply here, email, or ring 01632 960418 and someone will take your views over the phone.", score=33, is_submitter=True),
    node(3, "Saltmarsh_Sue", "Fine. I'll give it one more go.", score=12),
    node(2, "no_more_queues_pls", "And the drop-ins are 10-2 on weekdays. Who are they for? Working people use urgent care too.", score=54),
    node(3, "RCH_EngagementTeam", "Fair point - we've added an evening session on Thursday 19 March (6-8pm, Brackenfield Community Centre) and one on Saturday 28 March. Will update the post.", score=29, is_submitter=True),
    node(4, "no_more_queues_pls", "Good. Credit where it's due.", score=18),
    node(2, "ColdBrewCarly", "Whats the point, they'll do what they want anyway", score=13),
    node(3, "LocumLottie", "If nobody responds they definitely will. If 2000 people say \"keep a walk-in at Marlowe St\" it's a lot harder to ignore.", score=26),
    node(4, "ColdBrewCarly", "ok fair. done it. took 20 mins", score=15),

    # language and interpreters
    node(1, "Kasia_w_Riverside", "Czy ankieta jest dostępna po polsku? Moja mama nie mówi dobrze po angielsku, a chciałaby się wypowiedzieć. Dziękuję!", score=15),
    node(2, "OldQuayOliver", "For anyone wondering, she's asking if the survey's available in Polish for her mum", score=7),
    node(2, "RCH_EngagementTeam", "Dzień dobry! Yes - the summary and survey are available in Polish. Ask at either reception or email us and we'll post a paper copy with a freepost envelope.", score=21, is_submitter=True),
    node(3, "Kasia_w_Riverside", "Dziękuję bardzo! Thank you, I'll get the paper one for her 🙏", score=9),
    node(1, "Noor_RV7", "My grandmother only speaks Punjabi and a bit of Urdu. Last time at the walk-in they used Google Translate on someone's phone to ask about her medication. That's not ok for medical stuff. Please make sure there's a proper interpreter line and that staff actually use it.", score=83),
    node(2, "LocumLottie", "Agree. Telephone interpreting should be available 24/7 in any NHS service, it's just that people don't always know how to access it at 9pm on a Saturday. Training issue as much as anything.", score=31),
    node(3, "Noor_RV7", "Exactly. And family shouldn't have to interpret either. I was 12 the first time I had to translate for her at a doctor's.", score=44),

    # what's the difference? communication
    node(1, "PeaGreenBoat", "Genuine question and I'm not being funny: what's the actual difference between the walk-in centre, the UTC, A&E and 111? I've lived here 10 years and I just go wherever's closest and hope.", score=95),
    node(2, "LocumLottie", "Rough version:\n\n* **999 / A&E** - life-threatening stuff: chest pain, stroke signs, serious bleeding, can't breathe\n* **UTC** - urgent but not life-threatening, and it has X-ray, so suspected broken bones, bad cuts, burns\n* **Walk-in centre** - minor illness and injury, no X-ray\n* **111** - when you don't know which of the above, they'll tell you and can book you in\n\nWhich is partly why they want to merge the walk-in and the UTC, nobody knows the difference.", score=144),
    node(3, "PeaGreenBoat", "That's clearer than anything on the website. Thank you!!", score=33),
    node(3, "RCH_EngagementTeam", "We might borrow this, if that's ok! 😄", score=28, is_submitter=True),
    node(4, "LocumLottie", "Go for it, no charge 😂", score=19),
    node(2, "PeaGreenBoat", "Also, live waiting times on the website please. If I knew it was 4 hours at 6pm I'd go at 8 instead.", score=59),
    node(3, "RCH_EngagementTeam", "Live waiting times are being piloted from May whatever the outcome of the consultation.", score=31, is_submitter=True),
    node(4, "PeaGreenBoat", "Oh nice, first concrete thing I've heard!", score=14),
    node(3, "pharm_not_farm", "And a text when you're next so you can wait in the car. Some A&Es already do it", score=22),

    # pharmacy and other suggestions
    node(1, "pharm_not_farm", "Community pharmacist here. A good chunk of what comes through the walk-in door could be seen in a pharmacy (sore throats, earache in kids, UTIs, shingles, sinusitis, impetigo, insect bites). Would love the new system to actually book people in with us properly, not just \"go to the chemist\" and a shrug.", score=83),
    node(2, "Saltmarsh_Sue", "Didn't know pharmacists could do UTIs now! Would've saved me a 3 hour wait in January.", score=25),
    node(2, "grumpy_pensioner_RV4", "my chemist has one pharmacist and a queue out the door already", score=19),
    node(3, "pharm_not_farm", "Yep, which is why it needs funding to go with it. Not arguing with that bit.", score=11),
    node(1, "dementia_carer_RV3", "Carer for my mum who has dementia. Two things that would help more than any app:\n\n1. a flag on her record so staff know before they call her, because she won't answer to \"Margaret\" only to \"Peggy\"\n2. somewhere quieter to wait. The noise and the strip lights make her really distressed and she tries to leave.\n\nLast visit she got up and walked out into the car park while I was at the desk. Nobody stopped her. I found her by the bus stop. That's the reality of a busy waiting room for people like her.", score=118),
    node(2, "nightshift_hca", "This is a really good point. We have the \"This is me\" forms but they only help if someone's filled one in and staff actually look at it. A flag at booking would be much better.", score=36),
    node(2, "Brackenfield_Bev", "That must have been terrifying. Hope your mum's ok x", score=12),

    # hostility
    node(1, "TheRealBusStopGremlin", "Imagine complaining about free healthcare. Go private if you want to book a slot lol", score=-12),
    node(2, "wait_what_RV2", "It's not free, we pay for it. And there's no private urgent care round here anyway", score=45),
    node(3, "TheRealBusStopGremlin", "touch grass", score=-8),
    node(4, "[deleted]", "[removed]", score=-2),
    node(2, "Edna_at_79", "Go and do something useful young man", score=37),

    # short reactions and odds and ends
    node(1, "QuayCat", "+1 to everything OldQuayOliver said", score=14),
    node(1, "riverbird_", "Just keep a walk-in somewhere in the town centre please. That's all.", score=28),
    node(1, "SundayLeagueSteve", "👏👏👏 for the staff. 👎 for the car park.", score=9),
    node(1, "dentist_when", "Can you do something about NHS dentists while you're at it, been on a waiting list for 2 years", score=40),
    node(2, "RCH_EngagementTeam", "I'm afraid dentistry isn't run by us (it's commissioned separately) but I'll pass on that you raised it. Sorry that's not a better answer.", score=16, is_submitter=True),
    node(3, "dentist_when", "nobody runs it then 🙃", score=33),
    node(1, "[deleted]", "[deleted]", score=2),
    node(1, "nurse_not_angel", "Staff member (nurse at Marlowe St). Most of us actually support moving into one building - X-ray on site means we stop sending people across town for a scan and then back to us. What we're worried about is whether the staffing moves with it or gets \"efficiencies\" along the way. Ask them that in the survey please.", score=134),
    node(2, "LocumLottie", "This is the question. Merging services is how posts quietly disappear.", score=49),
    node(2, "RCH_EngagementTeam", "Honest answer: the proposal keeps every current clinical post. It's in the financial section (p.22). We'd welcome people holding us to that.", score=30, is_submitter=True),
    node(3, "nurse_not_angel", "Noted. Screenshotted. 📸", score=42),
    more(1, 14, 5),
]
# fmt: on

#: Comments the Reddit listing does not contain: hidden behind the "continue this
#: thread" stub (Reddit gives no count for those).
CONTINUE_HIDDEN = 3
