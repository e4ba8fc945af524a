window.YTD.like.part0 = [
  { "like" : { "tweetId" : "1700000000000000001", "fullText" : "Someone else's tweet about newts", "expandedUrl" : "https://twitter.com/i/web/status/1700000000000000001" } },
  { "like" : { "tweetId" : "1700000000000000002", "fullText" : "Another liked tweet", "expandedUrl" : "https://twitter.com/i/web/status/1700000000000000002" } }
]
