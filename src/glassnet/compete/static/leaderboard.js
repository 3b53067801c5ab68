// The leaderboard page refreshes itself from the JSON API every 5 seconds (a file of its
// own: the Content-Security-Policy allows no inline script).
(function () {
  var table = document.getElementById("leaderboard");
  var url = table.dataset.url;
  function cell(tr, text) { var td = document.createElement("td"); td.className = "num"; td.textContent = text; tr.appendChild(td); return td; }
  function blank(v) { return v === null || v === undefined ? "" : String(v); }
  // Every score with the stated number of decimals, as the server writes them (0.80000, not 0.8).
  function score(v, digits) { return v === null || v === undefined ? "" : v.toFixed(digits); }
  function draw(board) {
    var body = document.querySelector("#leaderboard tbody");
    var rows = document.createDocumentFragment();
    board.rows.forEach(function (row) {
      var tr = document.createElement("tr");
      tr.dataset.team = row.team;
      if (row.baseline) tr.className = "baseline";
      cell(tr, blank(row.rank));
      var name = cell(tr, row.team); name.className = "";
      if (row.baseline) { var tag = document.createElement("span"); tag.className = "tag"; tag.textContent = "baseline"; name.append(" ", tag); }
      cell(tr, score(row.public_score, board.precision));
      cell(tr, score(row.private_score, board.precision));
      cell(tr, blank(row.private_rank));
      cell(tr, row.shake_up ? (row.shake_up > 0 ? "+" : "") + row.shake_up : "");
      cell(tr, String(row.entries));
      rows.appendChild(tr);
    });
    body.replaceChildren(rows);
    if (board.revealed) document.getElementById("status").textContent = "Final: private scores revealed.";
  }
  setInterval(function () {
    fetch(url, {cache: "no-store"}).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (board) { if (board) draw(board); }).catch(function () {});
  }, 5000);
})();
