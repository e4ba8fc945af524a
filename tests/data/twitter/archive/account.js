window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "owner@example.org",
      "createdVia" : "web",
      "username" : "pond_keeper",
      "accountId" : "4400000001",
      "createdAt" : "2019-01-01T00:00:00.000Z",
      "accountDisplayName" : "Pond Keeper"
    }
  }
]
