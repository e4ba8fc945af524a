window.YTD.deleted_tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : { "initial" : { "editTweetIds" : [ "1800000000000000020" ], "editableUntil" : "2024-06-06T09:00:00.000Z", "editsRemaining" : "5", "isEditEligible" : true } },
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "favorite_count" : "0",
      "id_str" : "1800000000000000020",
      "retweet_count" : "0",
      "id" : "1800000000000000020",
      "created_at" : "Thu Jun 06 08:00:00 +0000 2024",
      "full_text" : "Typo-ridden post abotu the pond, deleted &amp; redone",
      "lang" : "en",
      "deleted_at" : "Thu Jun 06 08:02:30 +0000 2024"
    }
  },
  {
    "tweet" : {
      "edit_info" : { "initial" : { "editTweetIds" : [ "1800000000000000021" ], "editableUntil" : "2024-06-06T10:00:00.000Z", "editsRemaining" : "5", "isEditEligible" : false } },
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "favorite_count" : "0",
      "in_reply_to_status_id_str" : "1800000000000000020",
      "id_str" : "1800000000000000021",
      "retweet_count" : "0",
      "id" : "1800000000000000021",
      "in_reply_to_status_id" : "1800000000000000020",
      "created_at" : "Thu Jun 06 08:01:00 +0000 2024",
      "full_text" : "Self-reply that went with it.",
      "lang" : "en",
      "in_reply_to_screen_name" : "pond_keeper",
      "deleted_at" : "Thu Jun 06 08:02:31 +0000 2024"
    }
  }
]
