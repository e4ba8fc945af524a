# ruff: noqa: E501
"""Free-text answers from the consultation survey, as exported by the form tool.

Online answers carry ``YYYY-MM-DD HH:MM`` times; paper and phone answers were
typed in by the engagement team as ``DD/MM/YYYY HH:MM``. Respondents could stay
anonymous. Some answers are filler ("n/a", "-"), as in any real export.
"""

from __future__ import annotations

COLUMNS = [
    "Response ID",
    "Submitted",
    "Respondent",
    "Responding as",
    "Which service did you use?",
    "What could we improve?",
    "Postcode district",
]

#: Answers not in English: response id -> ISO 639-1 language.
NON_ENGLISH = {"R-10066": "es", "R-10113": "ur", "R-10131": "pl"}

# fmt: off
#: Rows: (id, submitted, respondent, responding as, service, improve, postcode).
ROWS = [
    ("R-10021", "2026-03-02 09:47", "Anonymous", "Patient", "Walk-in Centre (Marlowe Street)", "Keep the walk-in centre in town. I can walk there in 5 minutes and I don't drive.", "RV1"),
    ("R-10022", "2026-03-02 10:13", "Priya", "Parent or carer", "Urgent Treatment Centre (Quayside Road)", "Separate waiting area for children.\nA screen showing how long the wait is.\nWater! There is no water fountain.", "RV3"),
    ("R-10025", "2026-03-02 11:31", "", "Patient", "Both", "n/a", "RV2"),
    ("R-10026", "2026-03-02 14:05", "Anonymous", "Member of staff", "Urgent Treatment Centre (Quayside Road)", "Staff the merged service properly. We currently run two half-staffed units. If the posts transfer and we get a proper rota, one site with X-ray is better for patients. If it is used to cut posts it will fail and you will lose good people.", "RV5"),
    ("R-10030", "2026-03-02 19:58", "Dave M", "Patient", "Walk-in Centre (Marlowe Street)", "Answer the phone. That is all.", "RV4"),
    ("R-10034", "2026-03-03 08:21", "Anonymous", "Patient", "Urgent Treatment Centre (Quayside Road)", "Parking. £4.80 for two hours when you're ill or injured is disgusting, and the machines only take coins or the app. Free for the first 2 hours for patients please.", "RV6"),
    ("R-10035", "2026-03-03 12:44", "Anonymous", "Patient", "Neither / not used in last 12 months", "nothing", "RV2"),
    ("R-10041", "03/03/2026 15:10", "Mr R. Holt", "Patient", "Walk-in Centre (Marlowe Street)", "I am 86 and have no computer or mobile telephone. This form was filled in for me by the lady on the telephone. I would like the walk-in centre to stay where it is because the bus stops outside. Thank you for asking.", "RV1"),
    ("R-10043", "2026-03-04 21:17", "Anonymous", "Patient", "Both", "More mental health support, especially in the evenings. When I went in crisis all they could do was give me a leaflet. I needed a person.", "RV3"),
    ("R-10048", "2026-03-05 07:02", "Jas", "Parent or carer", "Urgent Treatment Centre (Quayside Road)", "Online booking please!! I work shifts, I'd book a 9pm slot in a heartbeat rather than queue with a toddler.", "RV7"),
    ("R-10052", "05/03/2026 11:40", "Anonymous", "Patient", "Walk-in Centre (Marlowe Street)", "-", "RV2"),
    ("R-10057", "2026-03-06 16:29", "Anonymous", "Patient", "Walk-in Centre (Marlowe Street)", "I am Deaf. Please:\n- visual display for calling names\n- SMS or video relay booking, not just phone\n- staff trained to book a BSL interpreter\nLast time I missed my turn because they called my name out loud.", "RV4"),
    ("R-10060", "2026-03-07 10:55", "Tom", "Patient", "Both", "Honestly the service was good when I used it, staff were kind and quick. Just make it clearer which place to go to for what. I went to the walk-in with a suspected broken finger and got sent to Quayside for an X-ray. Wasted 2 hours.", "RV5"),
    ("R-10061", "2026-03-07 13:12", "Anonymous", "Other", "Neither / not used in last 12 months", "This consultation is a waste of money, spend it on nurses.", "RV8"),
    ("R-10066", "09/03/2026 09:12", "Anonymous", "Patient", "Walk-in Centre (Marlowe Street)", "Necesitamos intérpretes. Mi marido no habla bien inglés y la última vez tuve que traducir yo, con fiebre. Y más autobuses por la noche a Quayside Road.", "RV1"),
    ("R-10070", "2026-03-10 18:48", "Anonymous", "Parent or carer", "Urgent Treatment Centre (Quayside Road)", "My son is autistic. A quiet room to wait in, and a text when it's our turn so we can wait in the car. We have left twice without being seen because he couldn't cope with the noise.", "RV6"),
    ("R-10071", "2026-03-10 19:03", "", "Patient", "Both", "Live waiting times on the website", "RV3"),
    ("R-10075", "2026-03-11 22:36", "Anonymous", "Patient", "Urgent Treatment Centre (Quayside Road)", "The path from the bus stop to the main entrance is too steep for my wheelchair. I have to go round the back past the bins. Before you move everything there, fix the access. Do an access audit with disabled people.", "RV2"),
    ("R-10079", "12/03/2026 14:25", "Mrs P. Okafor", "Parent or carer", "Walk-in Centre (Marlowe Street)", "Caring for my husband who has dementia. Put a note on the record so staff know. He got up and left the waiting room last time and nobody noticed. A quieter area would help.", "RV4"),
    ("R-10084", "2026-03-13 08:09", "Anonymous", "Patient", "Walk-in Centre (Marlowe Street)", "n/a", "RV7"),
    ("R-10088", "2026-03-14 12:51", "Anonymous", "Member of staff", "Walk-in Centre (Marlowe Street)", "Reception staff need support. We get shouted at every day and sometimes threatened. Security in the evenings please, and a second person on the desk after 6pm. Most of the anger is about waiting times we have no control over.", "RV5"),
    ("R-10090", "2026-03-14 17:30", "Ellie", "Patient", "Both", "It would be great if the booking system sent reminders and let you cancel easily. And if pharmacists could book you in for simple things like UTIs that would save everyone time.", "RV3"),
    ("R-10093", "2026-03-16 11:11", "Anonymous", "Patient", "Urgent Treatment Centre (Quayside Road)", "Stop pretending it's not a closure. Everyone knows Marlowe Street is being sold.", "RV1"),
    ("R-10097", "16/03/2026 16:45", "Anonymous", "Patient", "Walk-in Centre (Marlowe Street)", "nothing, its fine as it is", "RV9"),
    ("R-10102", "2026-03-18 20:20", "Anonymous", "Parent or carer", "Urgent Treatment Centre (Quayside Road)", "A nurse who is trained with children in the evenings. My daughter had a seizure and we waited 2 hours before anyone looked at her properly. Also tell parents clearly when to go to A&E / call 999 instead.", "RV6"),
    ("R-10106", "2026-03-19 23:58", "Anonymous", "Patient", "Both", "Your survey timed out on me twice and I lost my answers. This is my third go. Keep it short. Most people have one or two things to say.\n\nMy two things: phone line that gets answered, and a bus after 6pm.", "RV8"),
    ("R-10110", "2026-03-21 09:34", "Rob", "Patient", "Urgent Treatment Centre (Quayside Road)", "More seating that isn't plastic bucket chairs. When you've hurt your back, sitting for 4 hours on those is torture. Also a phone charging point.", "RV2"),
    ("R-10113", "23/03/2026 10:05", "Anonymous", "Patient", "Walk-in Centre (Marlowe Street)", "میری والدہ کو ترجمان کی ضرورت ہوتی ہے۔ براہ کرم اردو بولنے والے ترجمان کا انتظام کریں۔", "RV1"),
    ("R-10118", "2026-03-24 13:47", "Anonymous", "Other", "Neither / not used in last 12 months", "I run a community group for older people. Many of our members do not use the internet and did not know this consultation existed until I told them. Please advertise in GP surgeries, libraries, the Gazette and on local radio, not only Facebook.", "RV4"),
    ("R-10121", "2026-03-26 18:02", "Anonymous", "Patient", "Both", "Thank you to the nurse practitioner who saw me on the 12th. Explained everything, didn't rush me. Keep staff like her.", "RV5"),
    ("R-10124", "2026-03-28 11:26", "Anonymous", "Patient", "Walk-in Centre (Marlowe Street)", "Option C. Keep a walk-in in the town centre with guaranteed opening hours, not a \"smaller\" service that quietly closes in 2 years.", "RV1"),
    ("R-10130", "30/03/2026 15:58", "Anonymous", "Patient", "Both", "don't know", "RV3"),
    ("R-10131", "2026-04-01 08:40", "Marta", "Patient", "Walk-in Centre (Marlowe Street)", "Dobrze, że jest ankieta po polsku. Proszę o tłumacza na miejscu albo przez telefon, i żeby personel wiedział, jak go wezwać.", "RV2"),
    ("R-10137", "2026-04-03 20:15", "Anonymous", "Member of staff", "Urgent Treatment Centre (Quayside Road)", "Staff parking. Night staff finish at 8am and day staff arrive at 7.30 and there is nowhere to park. People are getting tickets while caring for patients. If you expect more patients on this site the car park has to be sorted first.", "RV6"),
    ("R-10142", "2026-04-07 12:00", "", "Patient", "Both", "Make the booking work for people without smartphones. A real person on the phone, and some same-day slots kept back for walk-ins and phone bookings so the app users don't take them all by 8am.", "RV7"),
    ("R-10148", "09/04/2026 14:30", "Anonymous", "Patient", "Urgent Treatment Centre (Quayside Road)", "Is it true you will need to show a vaccine record to be seen? If so I will not be using it.", "RV9"),
    ("R-10152", "2026-04-14 19:44", "Anonymous", "Parent or carer", "Both", "Text updates while you wait. Then families could wait in the car or go to the café instead of crowding the waiting room.", "RV5"),
    ("R-10157", "2026-04-20 10:21", "Anonymous", "Patient", "Neither / not used in last 12 months", ".", "RV8"),
    ("R-10163", "2026-04-27 22:49", "Anonymous", "Patient", "Walk-in Centre (Marlowe Street)", "Signs. When you arrive at Quayside Road at night there is no sign saying where urgent care is. I walked round the whole hospital in the rain with my daughter.", "RV3"),
    ("R-10168", "30/04/2026 16:55", "Anonymous", "Patient", "Both", "The video was helpful but far too long. Put the three options on one page with a map and bus times.", "RV2"),
]
# fmt: on
