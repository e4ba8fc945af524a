# ruff: noqa: E501
"""One resident's donated Facebook comments ("Download Your Information").

A Facebook export holds only its owner's own comments, each with a title naming
whose post or comment it answered. Zofia (fictional) lives in Old Quay, works as
a home carer, has two children and no car, and took part in the consultation
on the Trust's page, the Riverside Gazette's page and a local parents' group.
"""

from __future__ import annotations

OWNER = "Zofia Wiśniewska"

# fmt: off
#: (time, title's target, text, group or None), oldest first. The target is
#: "<Name>'s post", "<Name>'s comment", "her own post" or "her own comment".
COMMENTS = [
    ("2026-03-02T10:41:07Z", "Riverside Community Health's post", "Finally! Will the booking be in the app or a separate website? I have the NHS App already.", None),
    ("2026-03-02T10:58:30Z", "Riverside Community Health's post", "Also please think about people who don't drive. I don't have a car and Quayside Road is two buses from Old Quay. With two kids and a temperature that's not a small thing.", None),
    ("2026-03-02T19:22:51Z", "Gary Pemberton's comment", "Gary it's not closing, it's moving to the hospital site. I read the whole document on my break. Doesn't mean I like it, but let's argue about what's actually proposed 🙂", None),
    ("2026-03-03T07:15:04Z", "Gary Pemberton's comment", "Page 31, option C keeps a walk-in in town. That's the one I'm voting for.", None),
    ("2026-03-04T21:33:19Z", "Riverside Gazette's post", "The photo in this article is of the old building before they redid it in 2015 😂 but good article otherwise", None),
    ("2026-03-05T08:02:44Z", "Agnieszka Nowak's post", "Tak, jest ankieta po polsku, trzeba zadzwonić albo zapytać w recepcji. Mogę pomóc wypełnić, jeśli ktoś potrzebuje.", "Polacy w Riverside"),
    ("2026-03-05T08:10:12Z", "Agnieszka Nowak's post", "Ważne: nie trzeba być zarejestrowanym u lekarza w Riverside, żeby korzystać z walk-in. Każdy może przyjść.", "Polacy w Riverside"),
    ("2026-03-07T13:48:26Z", "Kayleigh Brooks's post", "Kayleigh that's not true about the vaccines, I asked the pharmacist and the trust have said so too. Nobody will be turned away for not having jabs. Please don't share it, my neighbour was crying about it yesterday 😢", "Riverside Mums & Dads Network"),
    ("2026-03-07T14:05:58Z", "Kayleigh Brooks's comment", "I'm not attacking you hun, I just don't want people scared to take their kids in. That's dangerous.", "Riverside Mums & Dads Network"),
    ("2026-03-07T16:40:02Z", "her own comment", "Update: the trust are putting out a statement about it next week apparently.", "Riverside Mums & Dads Network"),
    ("2026-03-09T20:11:37Z", "Riverside Community Health's post", "Thank you for the BSL video. My colleague is Deaf and she says it's really clear 👏👏", None),
    ("2026-03-11T22:04:15Z", "Riverside Community Health's post", "Last night I waited 4 hours with my son (7) with a cut head. The nurse was amazing, so calm with him, he even got a sticker. But 4 hours!! He fell asleep on the floor. There was nowhere for kids. Please please make a children's corner and have someone who can see children faster in the evening.", None),
    ("2026-03-11T22:09:40Z", "her own comment", "And the vending machine was broken, again. No water. I had to go to the garage across the road at 10pm.", None),
    ("2026-03-12T09:30:23Z", "Debbie Aldridge's comment", "Thank you Debbie, he's fine now ❤️ 3 stitches and very proud of them", None),
    ("2026-03-14T11:17:55Z", "Riverside Community Health's post", "Will there be interpreters at the new centre? Many Polish people here use Google Translate on their phone with the nurse and it's not safe for medicine.", None),
    ("2026-03-14T18:42:31Z", "Riverside Community Health's comment", "Thank you for answering. I didn't know the phone interpreter was free to ask for. You should put this on a poster in the waiting room in different languages!", None),
    ("2026-03-16T12:25:09Z", "Riverside Community Health's post", "Thank you for the evening drop-in. Thursday is perfect for me after work. Will there be someone from the bus company?", None),
    ("2026-03-19T21:48:44Z", "her own post", "Went to the drop-in tonight at Brackenfield. About 40 people, the trust staff listened properly and wrote everything down. I said about the bus, interpreters and children. Bus company man said they are \"looking into\" a later 14. We will see 🤞", None),
    ("2026-03-19T22:10:27Z", "Marek Zieliński's comment", "Nie wiem, zobaczymy. Ale przynajmniej słuchali.", None),
    ("2026-03-21T10:33:50Z", "Riverside Community Health's post", "Good to see transport is the top issue. It's not just patients, my friend is a cleaner there and she walks 35 minutes home at 11pm because there's no bus.", None),
    ("2026-03-24T15:20:14Z", "Gary Pemberton's post", "I helped 6 older people on my road fill in the paper survey this week. It's long!! 38 questions. The trust should make a short version, 5 questions maximum, most people just want to say one or two things.", "Old Quay Residents"),
    ("2026-03-24T16:02:36Z", "Gary Pemberton's comment", "Yes they have freepost envelopes, no stamp needed.", "Old Quay Residents"),
    ("2026-03-26T08:55:03Z", "Riverside Gazette's post", "The comments on this post are a disgrace. The receptionists did not make the rota. Be angry at the system not at women earning £12 an hour.", None),
    ("2026-03-30T19:37:48Z", "Riverside Community Health's post", "My mum (72) has a phone with buttons, no apps. She will only use the phone line. How many people will answer it in the evening? Please give a real number, not \"enough\".", None),
    ("2026-04-02T12:12:21Z", "Riverside Community Health's post", "Dziękujemy za wersję po polsku! 🇵🇱 Thank you, I shared it in the Polish group and my mum did it yesterday.", None),
    ("2026-04-08T20:26:33Z", "Riverside Mums & Dads Network's post", "Honestly the booking would help working mums so much. I do care visits until 7pm, I can't sit 3 hours at the walk-in. But keep walk-in for people who need it. Both!", "Riverside Mums & Dads Network"),
    ("2026-04-14T17:59:06Z", "Riverside Community Health's post", "Is the car park going to be free for the urgent care patients? £4.80 for 2 hours when you're there for a sick child is wrong. It's a tax on being ill.", None),
    ("2026-04-20T09:44:52Z", "Leanne Carver's comment", "👍👍", None),
    ("2026-04-28T21:15:40Z", "Riverside Community Health's post", "Done mine ✅ Everybody please do it before Thursday, even if you only write one sentence. They only know what we tell them.", None),
    ("2026-04-29T07:30:18Z", "her own comment", "P.S. mój komentarz po polsku też się liczy? Mam nadzieję, że tak 😊", None),
]
# fmt: on
