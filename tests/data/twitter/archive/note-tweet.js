window.YTD.note_tweet.part0 = [
  {
    "noteTweet" : {
      "noteTweetId" : "1800000000000000010",
      "updatedAt" : "2024-06-05T08:00:00.000Z",
      "lifecycle" : { "value" : "live", "name" : "Live", "originalValue" : "1", "value" : "1" },
      "createdAt" : "2024-06-05T08:00:00.000Z",
      "core" : {
        "styletags" : [ ],
        "urls" : [ ],
        "text" : "A long report on the pond survey: water levels were lower than last year, the reeds have spread along the north bank, and we counted more common frogs than in any year since the survey began. Thanks to everyone who came out early in the morning to help &amp; to the school for lending us waders. Next survey: September.",
        "mentions" : [ ],
        "cashtags" : [ ],
        "hashtags" : [ ]
      }
    }
  }
]
