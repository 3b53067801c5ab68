def test_health_and_leaderboard(live_server):
    with live_server.client() as client:
        assert client.get("/api/health").json() == {"status": "ok"}
        board = client.get("/api/competitions/demo/leaderboard").json()
    assert [row["team"] for row in board["rows"]] == ["majority class"]
