# ruff: noqa: E501
"""Comments under the Trust's explainer video on YouTube.

Each thread is a top-level comment (level 1) and its replies (level 2; YouTube
replies are flat and start with an ``@handle`` when they answer someone). Times
such as ``3:42`` become timestamp links in ``textDisplay``. ``total_replies``
larger than the replies written means the API returned only some of them.
"""

from __future__ import annotations

from . import node

VIDEO_ID = "rCh7UtcW4lk"
VIDEO_TITLE = "Improving our Walk-in and Urgent Treatment Centre - have your say"
VIDEO_PUBLISHED = "2026-03-04T10:00:05Z"
CHANNEL = "@RiversideCommunityHealth"

# fmt: off
#: Threads, oldest first.
THREADS = [
    [
        node(1, "@BinsOnAMonday", "first", likes=0),
    ],
    [
        node(1, "@MarloweStreetRegular", "Been using the Marlowe St walk-in for 20 years. Please don't take it away from the town centre. The people who need it most are the ones who can't get to Quayside Road.", likes=212),
        node(2, CHANNEL, "@MarloweStreetRegular Thank you for watching and for taking the time to comment. No decision has been made - one of the options keeps a walk-in service in the town centre. Please do fill in the survey (link in the description) so your view is counted.", likes=37),
        node(2, "@PennyFromBrackenfield", "@MarloweStreetRegular agree 100%", likes=14),
        node(2, "@LeoTheLocum", "@MarloweStreetRegular Worth watching from 4:10 - the town centre option is option C. It's not a done deal.", likes=22),
    ],
    [
        node(1, "@SubtitleSue", "Thank you for putting proper subtitles on this, not the auto-generated ones that turn \"urgent treatment centre\" into \"urgent treat meant sent her\" 😂", likes=96),
        node(2, CHANNEL, "@SubtitleSue 😄 Thank you! A BSL version is coming next week too.", likes=18),
    ],
    [
        node(1, "@DeafRiversideClub", "Is there a BSL version of this video? The subtitles are good but BSL is our language. Many Deaf people in Riverside are not confident with written English.", likes=72),
        node(2, CHANNEL, "@DeafRiversideClub Yes - the BSL version goes live on Monday 9 March and we'll link it here. Thank you for working with us on it.", likes=19),
        node(2, "@DeafRiversideClub", "@RiversideCommunityHealth Thank you. Please also think about video relay for booking, not only phone.", likes=24),
    ],
    [
        node(1, "@dadof3_riverside", "Booking online would be brilliant for us. Three kids, someone's always got something. Being able to pick a slot after school instead of dragging all three to sit in a waiting room for hours would be amazing.", likes=58),
        node(2, "@GrandadGeoff1947", "@dadof3_riverside and what about those of us who don't have the internet? Do we just sit there while you lot jump the queue?", likes=31),
        node(2, "@dadof3_riverside", "@GrandadGeoff1947 The video says walk-in stays and you can book by phone too. Not trying to jump anyone, just want options.", likes=26),
        node(2, "@GrandadGeoff1947", "@dadof3_riverside Fair enough son. I'll believe the phone line when someone actually answers it.", likes=40),
    ],
    [
        node(1, "@QuaysideNeighbour", "At 6:20 you say there's \"plenty of parking\" at Quayside Road. Have you BEEN there at 7pm on a weekday?? It's full by 10am. And it's £4.80 for 2 hours.", likes=187, edited=45),
        node(2, "@NightShiftNadia", "@QuaysideNeighbour as someone who works there, staff can't park either 🙃", likes=73),
        node(2, "@QuaysideNeighbour", "@NightShiftNadia that's even worse honestly. How are you supposed to get to a 7am shift", likes=19),
        node(2, CHANNEL, "@QuaysideNeighbour That's a fair challenge and we should have worded it better. Parking and transport are specific questions in the survey and the car park is part of the plans for the site.", likes=12),
        node(2, "@QuaysideNeighbour", "@RiversideCommunityHealth appreciated. Please actually do something about it though", likes=33),
    ],
    [
        node(1, "@BrightSideBecca", "Nice video but 12 minutes of drone shots of the hospital and stock footage of smiling nurses. Could have been a 2 minute explainer with a diagram tbh", likes=76),
        node(2, "@PennyFromBrackenfield", "@BrightSideBecca the music though 🎻🎻🎻", likes=41),
        node(2, "@BrightSideBecca", "@PennyFromBrackenfield made me feel like I was about to be told someone had died", likes=52),
    ],
    [
        node(1, "@LeoTheLocum", "Locum GP here, I work in both urgent care and general practice around the region. For what it's worth the co-location model works well elsewhere IF there's X-ray on site and the staffing isn't cut. The bookable slots are the bit to watch - they need to be protected for people who can't book online, otherwise it becomes first come first served by smartphone.\n\nSummary of the options for anyone who doesn't want to watch the whole thing:\nA - everything moves to Quayside Road (4:10)\nB - everything moves, plus evening mental health practitioner (5:02)\nC - Quayside Road + a smaller walk-in kept in town (5:40)", likes=341, total_replies=8),
        node(2, "@SubtitleSue", "@LeoTheLocum you're a star, this should be pinned", likes=45),
        node(2, "@MarloweStreetRegular", "@LeoTheLocum Option C it is then", likes=29),
        node(2, "@OptionBOrBust", "@LeoTheLocum B and C aren't mutually exclusive though? why can't we have crisis support AND keep town centre", likes=27),
        node(2, "@LeoTheLocum", "@OptionBOrBust Good point - you can say that in the survey, there's a free text box for exactly this.", likes=18),
        node(2, "@NightShiftNadia", "@LeoTheLocum as staff we're asking the staffing question too, loudly", likes=21),
    ],
    [
        node(1, "@ZofiaW_RV", "Czy będzie wersja po polsku? Dużo Polaków w Riverside korzysta z tej przychodni.", likes=23),
        node(2, CHANNEL, "@ZofiaW_RV Dzień dobry! A Polish translation of the survey is available on request - ring 01632 960418 or ask at reception. Dziękujemy.", likes=8),
        node(2, "@ZofiaW_RV", "@RiversideCommunityHealth Dziękuję! Napiszę w grupie na Facebooku.", likes=5),
    ],
    [
        node(1, "@AwakeNotWoke77", "Closing it down and calling it \"improving\". Classic. They'll sell the land and we'll all be driving 30 mins to sit in a corridor. Anyone who thinks this survey matters is naive.", likes=44),
        node(2, "@LeoTheLocum", "@AwakeNotWoke77 None of the options involve closing urgent care, and option C keeps a town centre walk-in. You can argue for C. That's what the survey is for.", likes=67),
        node(2, "@AwakeNotWoke77", "@LeoTheLocum keep telling yourself that doc", likes=5),
        node(2, "@RiversideRunner", "@AwakeNotWoke77 The land is leased from the council, it's not theirs to sell. Took me 2 mins to check.", likes=38),
    ],
    [
        node(1, "@MumOfTwoAndACat", "Please please have a children's nurse in the evenings. My daughter had a febrile seizure last winter and the 2 hour wait before anyone looked at her properly was the longest of my life.", likes=129),
        node(2, "@NightShiftNadia", "@MumOfTwoAndACat that sounds terrifying, I'm so sorry. For anyone reading: a child having a fit is a 999 call, don't wait at a walk-in.", likes=84),
        node(2, "@MumOfTwoAndACat", "@NightShiftNadia I know that NOW. Nobody told me at the time. Which is kind of the point about communication.", likes=61),
    ],
    [
        node(1, "@RiversideRunner", "Good video, clear options. My only ask: live waiting times on the website. I'd happily go at 9pm instead of 6pm if I knew it'd be quieter.", likes=47),
        node(2, "@PennyFromBrackenfield", "@RiversideRunner yes! the Royal has it and it's really useful", likes=12),
    ],
    [
        node(1, "@HelenaHCA", "Healthcare assistant at the UTC here. Reading these comments is honestly a bit emotional. We KNOW the waits are awful. We don't get breaks most evenings. Merging the two teams would mean we're not running two half-staffed services 3 miles apart. I'd just ask people to be patient with us while it's sorted, and keep being honest in the survey.", likes=156),
        node(2, "@MarloweStreetRegular", "@HelenaHCA None of my moaning is at you. You lot are brilliant.", likes=48),
        node(2, "@BrightSideBecca", "@HelenaHCA ❤️ thank you", likes=11),
    ],
    [
        node(1, "@GrandadGeoff1947", "I am 78 and do not have a computer. How do I fill in this survey", likes=38),
        node(2, "@PennyFromBrackenfield", "@GrandadGeoff1947 ring 01632 960418 Geoff and they'll do it with you over the phone, or there are paper ones at reception 👍", likes=25),
        node(2, "@GrandadGeoff1947", "@PennyFromBrackenfield thank you dear, my grandson is typing this for me", likes=90),
    ],
    [
        node(1, "@Sarah_Sings_Alto", "A friend told me you have to be registered with a Riverside GP to use the new booking system. Is that true? I'm a student here, registered back home.", likes=17),
        node(2, CHANNEL, "@Sarah_Sings_Alto No - anyone can use the walk-in or UTC, wherever you're registered, and that won't change. You'll be able to book a slot with your NHS number or just walk in.", likes=15),
        node(2, "@Sarah_Sings_Alto", "@RiversideCommunityHealth oh good, thank you!", likes=3),
    ],
    [
        node(1, "@RiversideRunner", "Update for anyone reading: went to the evening drop-in at Brackenfield on Thursday. About 40 people there, staff from the trust and the bus company. They took notes on everything. Honestly better than I expected.", likes=36),
        node(2, "@QuaysideNeighbour", "@RiversideRunner did the bus company say anything about evening services?", likes=8),
        node(2, "@RiversideRunner", "@QuaysideNeighbour \"looking into\" a later 14. So, maybe.", likes=14),
    ],
    [
        node(1, "@OptionBOrBust", "Option B for me. Mental health crisis support in the evening is the thing that's actually missing. Everything else is just shuffling buildings around.", likes=88),
        node(2, "@QuietStormKay", "@OptionBOrBust As someone who's been the person sitting in that waiting room at 11pm not knowing where to go: yes. A leaflet isn't care.", likes=102),
        node(2, "@OptionBOrBust", "@QuietStormKay 💙 glad you're still here", likes=37),
    ],
    [
        node(1, "@TheAccessibleAnwar", "Wheelchair user. At 7:55 the video shows the main entrance at Quayside Road, which is great, except the path from the bus stop to that entrance is a steep hill with no handrail. Please show us the accessible route in the next video, or better still build one.", likes=64),
        node(2, "@NightShiftNadia", "@TheAccessibleAnwar there's a back entrance by X-ray that's flat but it's not signposted at all. Agree it needs sorting.", likes=23),
    ],
    [
        node(1, "@chloe.x.rv", "this is the most riverside thing ever 😭 my nan is in the background at 2:14", likes=54),
        node(2, "@PennyFromBrackenfield", "@chloe.x.rv 😂 famous!", likes=8),
    ],
    [
        node(1, "@MumOfTwoAndACat", "Also, the phone number at the end goes by too quickly to write down! Please put it in the description.", likes=19),
        node(2, CHANNEL, "@MumOfTwoAndACat Good spot, done - it's 01632 960418. Thank you.", likes=7),
    ],
    [
        node(1, "@SyedaInRiverside", "کیا یہ ویڈیو اردو میں بھی آئے گی؟ میری امی اور خالہ دونوں یہ سروس استعمال کرتی ہیں۔", likes=26),
        node(2, "@SyedaInRiverside", "(Asking if there'll be an Urdu version - my mum and auntie both use the walk-in)", likes=11),
    ],
    [
        node(1, "@ProperRiversideLad", "Just go private lol. NHS is finished anyway", likes=3),
        node(2, "@RiversideRunner", "@ProperRiversideLad with what money", likes=29),
        node(2, "@ProperRiversideLad", "@RiversideRunner skill issue", likes=1),
        node(2, "@HelenaHCA", "@ProperRiversideLad there is no private urgent care in Riverside. So this is it, for all of us.", likes=33),
    ],
    [
        node(1, "@PennyFromBrackenfield", "Filled it in! Took 25 mins. Paper copy for my mum too. Everyone do it please, it does make a difference.", likes=31),
    ],
    [
        node(1, "@KezCaresForJoe", "My son is autistic and can't cope with the waiting room. Being able to book a time, and wait in the car until we get a text, would genuinely mean we go and get seen instead of giving up and going home. Please make the booking system work for carers like me.", likes=71),
        node(2, "@NightShiftNadia", "@KezCaresForJoe Ask at reception for a quieter space next time, we do have a side room, but I know it's not always free. The text idea is a good one.", likes=18),
        node(2, "@KezCaresForJoe", "@NightShiftNadia thank you, I didn't know that was an option", likes=6),
    ],
    [
        node(1, "@LateToTheParty_RV", "Is this still open? Only just seen it.", likes=2),
        node(2, "@PennyFromBrackenfield", "@LateToTheParty_RV yes till 30 April", likes=3),
    ],
    [
        node(1, "@ConsultationFatigue", "Third consultation in 5 years about this place. Nothing ever changes. Sorry but I'm not doing another survey.", likes=27),
        node(2, "@MarloweStreetRegular", "@ConsultationFatigue I get it, but if we don't respond they'll say nobody cared.", likes=19),
    ],
    [
        node(1, "@LuciaEnRiverside", "¿Hay versión en español? Trabajo en la cocina del hospital y varios compañeros no leen bien el inglés. ¡Gracias!", likes=9),
        node(2, "@LeoTheLocum", "@LuciaEnRiverside Sí, puedes pedir la encuesta en español llamando al 01632 960418 o en recepción 🙂", likes=4),
    ],
    [
        node(1, "@OldQuayOllie", "Full consultation document for anyone who wants the detail rather than the video: https://riversidehealth.example/have-your-say\nPage 14 = staffing, page 22 = money, page 31 = the options. Worth 10 mins & a cuppa.", likes=28),
        node(2, "@BrightSideBecca", "@OldQuayOllie the hero we need", likes=6),
    ],
    [
        node(1, "@NotAnotherSurvey99", "Took me 3 days to get through to 111 last winter lol. Good luck with a \"phone booking line\"", likes=15),
    ],
]
# fmt: on
