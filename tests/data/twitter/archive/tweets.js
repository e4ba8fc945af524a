window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [ "1800000000000000001" ],
          "editableUntil" : "2024-06-01T10:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "entities" : {
        "hashtags" : [ ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [
          {
            "url" : "https://t.co/abcDEF1234",
            "expanded_url" : "https://example.org/pond-survey",
            "display_url" : "example.org/pond-survey",
            "indices" : [ "44", "67" ]
          }
        ]
      },
      "display_text_range" : [ "0", "67" ],
      "favorite_count" : "12",
      "id_str" : "1800000000000000001",
      "truncated" : false,
      "retweet_count" : "3",
      "id" : "1800000000000000001",
      "created_at" : "Sat Jun 01 09:00:00 +0000 2024",
      "favorited" : false,
      "full_text" : "Frogs &amp; toads counted at the pond &gt; 40 https://t.co/abcDEF1234",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [ "1800000000000000002" ],
          "editableUntil" : "2024-06-01T10:05:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "favorite_count" : "2",
      "in_reply_to_status_id_str" : "1800000000000000001",
      "id_str" : "1800000000000000002",
      "in_reply_to_user_id" : "4400000001",
      "retweet_count" : "0",
      "id" : "1800000000000000002",
      "in_reply_to_status_id" : "1800000000000000001",
      "created_at" : "Sat Jun 01 09:05:00 +0000 2024",
      "full_text" : "Und heute Abend zählen wir die Molche.",
      "lang" : "de",
      "in_reply_to_screen_name" : "pond_keeper",
      "in_reply_to_user_id_str" : "4400000001"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [ "1800000000000000003" ],
          "editableUntil" : "2024-06-01T11:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "favorite_count" : "0",
      "in_reply_to_status_id_str" : "1800000000000000002",
      "id_str" : "1800000000000000003",
      "retweet_count" : "0",
      "id" : "1800000000000000003",
      "in_reply_to_status_id" : "1800000000000000002",
      "created_at" : "Sat Jun 01 10:00:00 +0000 2024",
      "full_text" : "@pond_keeper 7 newts &lt;3",
      "lang" : "qam",
      "in_reply_to_screen_name" : "pond_keeper",
      "in_reply_to_user_id_str" : "4400000001"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [ "1800000000000000004" ],
          "editableUntil" : "2024-06-02T09:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "favorite_count" : "1",
      "in_reply_to_status_id_str" : "1799999999999999999",
      "id_str" : "1800000000000000004",
      "retweet_count" : "0",
      "id" : "1800000000000000004",
      "in_reply_to_status_id" : "1799999999999999999",
      "created_at" : "Sun Jun 02 08:00:00 +0000 2024",
      "full_text" : "@heron_watch Agreed, the reeds need cutting.",
      "lang" : "en",
      "in_reply_to_screen_name" : "heron_watch",
      "in_reply_to_user_id_str" : "4400000002"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [ "1800000000000000005" ],
          "editableUntil" : "2024-06-02T09:30:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "favorite_count" : "0",
      "in_reply_to_status_id_str" : "1800000000000000004",
      "id_str" : "1800000000000000005",
      "retweet_count" : "0",
      "id" : "1800000000000000005",
      "in_reply_to_status_id" : "1800000000000000004",
      "created_at" : "Sun Jun 02 08:30:00 +0000 2024",
      "full_text" : "@heron_watch Volunteers meet on Saturday.",
      "lang" : "en",
      "in_reply_to_screen_name" : "heron_watch",
      "in_reply_to_user_id_str" : "4400000002"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [ "1800000000000000006" ],
          "editableUntil" : "2024-06-03T09:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "entities" : {
        "hashtags" : [ ],
        "symbols" : [ ],
        "user_mentions" : [ { "name" : "Kestrel Notes", "screen_name" : "kestrel_notes", "indices" : [ "3", "17" ], "id_str" : "4400000003", "id" : "4400000003" } ],
        "urls" : [ ]
      },
      "favorite_count" : "0",
      "id_str" : "1800000000000000006",
      "retweet_count" : "25",
      "id" : "1800000000000000006",
      "created_at" : "Mon Jun 03 08:00:00 +0000 2024",
      "full_text" : "RT @kestrel_notes: Dragonfly season has started early this year, first sightings along the…",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "edit" : {
          "initialTweetId" : "1800000000000000007",
          "editControlInitial" : {
            "editTweetIds" : [ "1800000000000000007", "1800000000000000008" ],
            "editableUntil" : "2024-06-04T09:00:00.000Z",
            "editsRemaining" : "4",
            "isEditEligible" : true
          }
        }
      },
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "favorite_count" : "4",
      "id_str" : "1800000000000000008",
      "retweet_count" : "0",
      "id" : "1800000000000000008",
      "created_at" : "Tue Jun 04 08:10:00 +0000 2024",
      "full_text" : "Correction: the survey starts at 9, not 8.",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [ "1800000000000000009" ],
          "editableUntil" : "2024-06-05T09:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "entities" : {
        "hashtags" : [ ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ { "url" : "https://t.co/LongLong01", "expanded_url" : "https://x.com/i/web/status/1800000000000000009", "display_url" : "x.com/i/web/status/1…", "indices" : [ "258", "281" ] } ]
      },
      "favorite_count" : "9",
      "id_str" : "1800000000000000009",
      "retweet_count" : "1",
      "id" : "1800000000000000009",
      "created_at" : "Wed Jun 05 08:00:00 +0000 2024",
      "full_text" : "A long report on the pond survey: water levels were lower than last year, the reeds have spread along the north bank, and we counted more common frogs than in any year since the survey began. Thanks to everyone who came out early in the morning to help… https://t.co/LongLong01",
      "lang" : "en"
    }
  }
]
