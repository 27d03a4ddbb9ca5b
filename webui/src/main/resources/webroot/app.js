// agentbus dashboard: applies the server's snapshot and deltas to one state object and renders it.
(function () {
  'use strict';
  const state = { sections: {}, version: 0 };
  // the charts' series: seeded by the snapshot's history, extended by each live step and tick
  const HISTORY = 240;
  const series = { steps: [], price: [], trades: [], soc: {}, rateTime: [], rate: [] };
  const $ = (id) => document.getElementById(id);
  const fmt = (x, d = 2) => (typeof x === 'number' ? x.toFixed(d) : '–');
  let socket = null;
  // the message inspector: what this page asked for (asked again after a reconnect) and what it saw
  const INSPECTED = 200;
  const insp = { request: null, rows: [], paused: false, missed: 0, dropped: 0, selected: null };

  function connect() {
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
    socket = ws;
    ws.onopen = () => {
      $('status').textContent = 'live'; $('status').className = 'status live';
      document.body.classList.remove('stale');
      if (insp.request) { ws.send(JSON.stringify(insp.request)); }
    };
    ws.onclose = () => {
      // what the page shows is no longer live: greyed until the next snapshot
      $('status').textContent = 'reconnecting…'; $('status').className = 'status';
      document.body.classList.add('stale');
      setTimeout(connect, 1000);
    };
    ws.onmessage = (ev) => {
      const msg = JSON.parse(ev.data);
      if (msg.type === 'inspected' || msg.type === 'inspecting' || msg.type === 'inspect-error') {
        onInspector(msg);
        return;
      }
      if (msg.type === 'snapshot') {
        state.sections = {};
        seed(msg.sections);
      } else {
        if (msg.sections.market) { addStep(msg.sections.market); }
        if (msg.sections.messages) { addRate(msg.time, msg.sections.messages.ratePerSecond); }
      }
      Object.assign(state.sections, msg.sections);
      delete state.sections.history;
      delete state.sections.rates;
      state.version = msg.version;
      render();
    };
  }

  function resetSteps() {
    series.steps = []; series.price = []; series.trades = []; series.soc = {};
  }

  function seed(sections) {
    resetSteps();
    series.rateTime = []; series.rate = [];
    ((sections.history && sections.history.points) || []).forEach(addStep);
    if (sections.market) { addStep(sections.market); }
    const r = sections.rates || {};
    (r.time || []).forEach((t, i) => addRate(t, r.msgsPerSecond[i]));
  }

  function addStep(m) {
    if (typeof m.step !== 'number' || typeof m.price !== 'number') { return; }
    const last = series.steps[series.steps.length - 1];
    if (m.step === last) { return; }
    if (last !== undefined && m.step < last) { resetSteps(); }  // a new run: never joined to the last one
    series.steps.push(m.step);
    series.price.push(m.price);
    series.trades.push(Array.isArray(m.trades) ? m.trades.length : m.trades);
    const soc = m.soc || Object.fromEntries((m.results || []).map((x) => [x.microgrid, x.soc]));
    const n = series.steps.length;
    Object.entries(soc).forEach(([g, v]) => {
      if (!series.soc[g]) { series.soc[g] = []; }
      series.soc[g][n - 1] = v;
    });
    if (n > HISTORY) {
      series.steps.shift(); series.price.shift(); series.trades.shift();
      Object.values(series.soc).forEach((a) => a.shift());
    }
  }

  function addRate(t, v) {
    if (typeof v !== 'number') { return; }
    // one point per half second whatever the update interval (the server's history has the same spacing)
    const last = series.rateTime[series.rateTime.length - 1];
    if (last !== undefined && t - last < 450) { return; }
    series.rateTime.push(t); series.rate.push(v);
    if (series.rate.length > HISTORY) { series.rateTime.shift(); series.rate.shift(); }
  }

  // A line chart with axes: y ticks at min, middle and max with the unit, x labels at both ends.
  function chart(id, xs, lines, unit, xLabel) {
    const W = 480, H = 140, L = 52, R = 8, T = 8, B = 22;
    const all = lines.flatMap((l) => l.values.filter((v) => typeof v === 'number'));
    let out = '';
    if (xs.length > 1 && all.length > 0) {
      let lo = Math.min(...all), hi = Math.max(...all);
      if (hi === lo) { hi += 1; lo -= 1; }
      const x0 = xs[0], x1 = xs[xs.length - 1] === x0 ? x0 + 1 : xs[xs.length - 1];
      const px = (x) => (L + (x - x0) / (x1 - x0) * (W - L - R)).toFixed(1);
      const py = (v) => (T + (1 - (v - lo) / (hi - lo)) * (H - T - B)).toFixed(1);
      [lo, (lo + hi) / 2, hi].forEach((v) => {
        out += '<line class="grid" x1="' + L + '" x2="' + (W - R) + '" y1="' + py(v) + '" y2="' + py(v) + '"/>'
          + '<text class="tick" x="' + (L - 4) + '" y="' + (Number(py(v)) + 3) + '" text-anchor="end">' + fmt(v, 1) + '</text>';
      });
      out += '<line class="axis" x1="' + L + '" x2="' + L + '" y1="' + T + '" y2="' + (H - B) + '"/>'
        + '<line class="axis" x1="' + L + '" x2="' + (W - R) + '" y1="' + (H - B) + '" y2="' + (H - B) + '"/>'
        + '<text class="tick" x="' + L + '" y="' + (H - 6) + '">' + esc(xLabel(x0)) + '</text>'
        + '<text class="tick" x="' + (W - R) + '" y="' + (H - 6) + '" text-anchor="end">' + esc(xLabel(xs[xs.length - 1])) + '</text>';
      lines.forEach((l, k) => {
        const pts = xs.map((x, i) => (typeof l.values[i] === 'number' ? px(x) + ',' + py(l.values[i]) : null)).filter((p) => p);
        out += '<polyline class="line line' + (k % 6) + '"' + (l.id ? ' id="' + l.id + '"' : '') + ' points="' + pts.join(' ') + '"/>';
      });
    }
    out += '<text class="unit" x="' + (L + 4) + '" y="' + (T + 10) + '">' + esc(unit) + '</text>';
    $(id).innerHTML = out;
  }

  function charts() {
    const step = (x) => 'step ' + x;
    chart('price-chart', series.steps, [{ values: series.price, id: 'price-line' }], 'price, USD/MWh', step);
    chart('trades-chart', series.steps, [{ values: series.trades }], 'P2P trades per step', step);
    const grids = Object.keys(series.soc).sort().slice(0, 6);
    chart('soc-chart', series.steps, grids.map((g) => ({ values: series.soc[g] })), 'state of charge (0–1): '
      + grids.join(', '), step);
    const t0 = series.rateTime[0] || 0;
    chart('rate-chart', series.rateTime, [{ values: series.rate }], 'messages per second',
      (t) => '−' + Math.round(((series.rateTime[series.rateTime.length - 1] || t0) - t) / 1000) + ' s');
  }

  function render() {
    const s = state.sections;
    $('version').textContent = state.version;
    if (s.nodes) {
      const rows = s.nodes.members.map((n) => '<tr><td>' + esc(n.name) + (n.self ? ' (this node)' : '') + '</td><td>'
        + esc(n.id.substring(0, 8)) + '</td><td>' + esc(n.host) + '</td><td>' + n.cores + '</td><td>'
        + Math.round(n.maxMemoryBytes / 1048576) + ' MiB</td><td>' + esc(Object.entries(n.labels || {}).map((e) => e.join('=')).join(', '))
        + '</td></tr>');
      $('nodes').tBodies[0].innerHTML = rows.join('');
      $('nodes-count').textContent = s.nodes.members.length;
      const intruders = s.nodes.intruders || [];
      const alarm = $('intruders');
      alarm.hidden = intruders.length === 0 && !s.nodes.tamperedEntries;
      alarm.textContent = intruders.length === 0 && !s.nodes.tamperedEntries ? ''
        : 'Intruders in the cluster (not agentbus nodes of this cluster, never placed on or leading): '
          + intruders.join('; ') + (s.nodes.tamperedEntries ? ' — ' + s.nodes.tamperedEntries + ' forged or tampered map entries refused' : '');
    }
    if (s.cluster && s.cluster.nodes) {
      const c = s.cluster;
      const names = {};
      c.nodes.forEach((n) => { names[n.id] = n.name; });
      $('cluster-leader').textContent = c.leader ? (names[c.leader] || c.leader.substring(0, 8)) : 'no node';
      $('cluster-agents').textContent = c.agents.length;
      $('cluster-workers').textContent = c.workers.length;
      $('cluster-nodes').tBodies[0].innerHTML = c.nodes.map((n) => '<tr><td>' + esc(n.name)
        + (n.id === c.leader ? ' ★' : '') + (n.id === c.self ? ' (this node)' : '') + '</td><td>' + n.agentCount + '</td><td>'
        + (n.bridge ? n.bridge.workers : '–') + '</td><td>' + Math.round(n.load.heapUsedBytes / 1048576) + ' / '
        + Math.round(n.load.heapMaxBytes / 1048576) + ' MiB</td><td>'
        + (typeof n.load.processCpu === 'number' ? Math.round(100 * n.load.processCpu) + ' %' : '–') + '</td><td>'
        + Math.round(n.uptimeMs / 1000) + ' s</td><td>' + (n.health.inClusterView && n.health.quorum ? 'up' : 'down')
        + (n.health.intruders ? ', intruders' : '') + '</td></tr>').join('');
      const f = ($('agent-filter').value || '').toLowerCase();
      $('cluster-agent-table').tBodies[0].innerHTML = c.agents
        .filter((a) => !f || (a.type + ' ' + a.key + ' ' + (names[a.node] || a.node)).toLowerCase().includes(f))
        .slice(0, 200).map((a) => '<tr><td>' + esc(a.type) + '</td><td>' + esc(a.key) + '</td><td>'
          + esc(names[a.node] || a.node.substring(0, 8)) + '</td><td>' + (a.messagesIn ?? '–') + '</td><td>'
          + (a.messagesOut ?? '–') + '</td><td>'
          + (a.lastActivityMillis ? Math.max(0, Math.round((c.at - a.lastActivityMillis) / 1000)) + ' s ago' : '–')
          + '</td></tr>').join('');
      $('cluster-worker-table').tBodies[0].innerHTML = c.workers.map((w) => '<tr><td>' + esc(w.clientId) + '</td><td>'
        + esc(names[w.node] || w.node.substring(0, 8)) + '</td><td>' + esc((w.types || []).join(', ')) + '</td><td>'
        + (w.rpcsToWorker || 0) + ' / ' + (w.rpcsFromWorker || 0) + '</td><td>' + (w.dropped || 0) + '</td></tr>').join('');
    }
    if (s.messages) {
      $('msg-rate').textContent = s.messages.ratePerSecond;
      $('msg-published').textContent = Math.round(s.messages.published);
      $('msg-delivered').textContent = Math.round(s.messages.delivered);
      $('msg-dropped').textContent = Math.round(s.messages.dropped);
      $('channels').tBodies[0].innerHTML = Object.entries(s.messages.byChannelKind || {}).map(([k, v]) => '<tr><td>'
        + esc(k) + '</td><td>' + Math.round(v.published) + '</td><td>' + v.ratePerSecond + '</td></tr>').join('');
    }
    if (s.agents) {
      $('agents-here').textContent = s.agents.activeHere;
      $('lifecycle').innerHTML = s.agents.lifecycle.slice().reverse().slice(0, 20).map((e) => '<li>'
        + new Date(e.timestamp).toLocaleTimeString() + ' ' + esc(e.type) + ' ' + esc(e.agentType + '/' + e.agentKey)
        + (e.previousNodeId ? ' from ' + esc(e.previousNodeId.substring(0, 8)) : '') + '</li>').join('');
    }
    if (s.market && s.market.results) {
      $('market-step').textContent = s.market.step;
      $('market-price').textContent = fmt(s.market.price);
      $('market-trades').textContent = s.market.trades.length;
      $('microgrids').tBodies[0].innerHTML = s.market.results.map((r) => '<tr><td>' + esc(r.microgrid) + '</td><td>'
        + fmt(r.pGen) + '</td><td>' + fmt(r.pEss) + '</td><td>' + fmt(r.soc) + '</td><td>' + fmt(r.p2p) + '</td><td>'
        + fmt(r.grid) + '</td><td>' + fmt(r.cost) + '</td></tr>').join('');
    }
    charts();
    if (s.llm && s.llm.exits) {
      $('llm').hidden = false;
      $('llm-running').textContent = s.llm.running;
      $('llm-tokens').textContent = s.llm.tokens;
      $('llm-cost').textContent = s.llm.costUsd.toFixed(4);
      $('llm-budgets').tBodies[0].innerHTML = Object.entries(s.llm.budgets || {}).map(([k, b]) => '<tr><td>' + esc(k)
        + '</td><td>$' + b.costUsdToday.toFixed(4) + '</td><td>' + (b.maxDailyCostUsd > 0 ? '$' + b.maxDailyCostUsd : 'none')
        + '</td><td>' + (b.maxDailyCostUsd > 0 ? Math.round(100 * b.costUsdToday / b.maxDailyCostUsd) + ' %' : '–')
        + '</td><td>' + b.toolCallsThisMinute + (b.maxToolCallsPerMinute > 0 ? ' / ' + b.maxToolCallsPerMinute : '')
        + '</td></tr>').join('');
      $('llm-runs').tBodies[0].innerHTML = (s.llm.recent || []).map((r) => '<tr data-run="' + esc(r.runId || '')
        + '" title="show this run"><td>' + new Date(r.at).toLocaleTimeString()
        + '</td><td>' + esc(r.agent) + '</td><td>' + esc(r.exit) + '</td><td>' + r.iterations + '</td><td>' + r.tokens
        + '</td><td>' + r.toolCalls + '</td><td>' + r.costUsd.toFixed(4) + '</td></tr>').join('');
    }
    if (s.tail) {
      $('tail').innerHTML = s.tail.messages.slice().reverse().slice(0, 20).map((m) => '<li>'
        + new Date(m.time).toLocaleTimeString() + ' ' + esc(m.type) + ' ' + esc(m.sender) + ' → ' + esc(m.recipient)
        + ' <span class="muted">' + esc(m.channel) + ', ' + m.bytes + ' B</span></li>').join('');
    }
    if (s.inspector) {
      const envs = s.inspector.environments || [];
      $('insp-envs').innerHTML = envs.map((e) => '<option value="' + esc(e) + '">').join('');
      if (!$('insp-env').value && envs.length) { $('insp-env').value = envs[0]; }
    }
    document.title = 'agentbus — ' + (s.nodes ? s.nodes.members.length : 0) + ' node(s)';
  }

  function onInspector(msg) {
    const status = $('insp-status');
    if (msg.type === 'inspect-error') {
      status.textContent = msg.message; status.className = 'alarm';
      return;
    }
    if (msg.type === 'inspecting') {
      status.className = 'muted';
      const on = msg.source !== null && msg.source !== undefined;
      status.textContent = !on ? 'not inspecting' : 'inspecting ' + (msg.source === 'channels'
        ? 'the channels of ' + msg.env + (msg.kind ? ' (kind ' + msg.kind + ')' : '')
        : 'agent topics ' + msg.topic + '*') + (msg.agent ? ', agent ' + msg.agent : '');
      $('insp-pause').disabled = !on; $('insp-stop').disabled = !on;
      if (!on) { insp.request = null; }
      return;
    }
    insp.dropped = msg.dropped;
    if (insp.paused) { insp.missed += msg.messages.length; renderInspector(); return; }
    msg.messages.forEach((m) => insp.rows.push(m));
    if (insp.rows.length > INSPECTED) { insp.rows.splice(0, insp.rows.length - INSPECTED); }
    renderInspector();
  }

  function renderInspector() {
    $('insp-table').tBodies[0].innerHTML = insp.rows.slice().reverse().map((m, i) => '<tr data-row="'
      + (insp.rows.length - 1 - i) + '"' + (insp.rows[insp.rows.length - 1 - i] === insp.selected ? ' class="selected"' : '') + '><td>'
      + new Date(m.time).toLocaleTimeString() + '</td><td>' + esc(m.where) + '</td><td>' + esc(m.type || '') + '</td><td>'
      + esc(m.sender || '–') + '</td><td>' + esc(m.recipient || '–') + '</td><td>' + m.bytes + '</td></tr>').join('');
    $('insp-pause').textContent = insp.paused ? 'resume' + (insp.missed ? ' (' + insp.missed + ' not shown)' : '') : 'pause';
  }

  function showPayload(m) {
    insp.selected = m;
    let text = m.payload || '';
    try { if (!m.truncated && text.startsWith('{')) { text = JSON.stringify(JSON.parse(text), null, 2); } } catch (e) { /* as sent */ }
    $('insp-payload').textContent = m.type + ' ' + (m.id || '') + (m.truncated ? ' (first ' + text.length + ' characters)' : '')
      + '\n' + text;
    renderInspector();
  }

  function inspectorForm() {
    const topics = $('insp-source').value === 'topics';
    $('insp-env').hidden = topics; $('insp-kind').hidden = topics; $('insp-topic').hidden = !topics;
  }

  $('insp-source').addEventListener('change', inspectorForm);
  $('insp-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const topics = $('insp-source').value === 'topics';
    insp.request = topics
      ? { type: 'inspect', source: 'topics', topic: $('insp-topic').value, agent: $('insp-agent').value }
      : { type: 'inspect', source: 'channels', env: $('insp-env').value, kind: $('insp-kind').value, agent: $('insp-agent').value };
    insp.rows = []; insp.selected = null; insp.paused = false; insp.missed = 0;
    $('insp-payload').textContent = 'select a message to see its payload';
    renderInspector();
    if (socket && socket.readyState === 1) { socket.send(JSON.stringify(insp.request)); }
  });
  $('insp-pause').addEventListener('click', () => {
    insp.paused = !insp.paused; insp.missed = 0; renderInspector();
  });
  $('insp-stop').addEventListener('click', () => {
    insp.request = null;
    if (socket && socket.readyState === 1) { socket.send(JSON.stringify({ type: 'inspect-stop' })); }
  });
  $('insp-table').addEventListener('click', (ev) => {
    const tr = ev.target.closest('tr[data-row]');
    if (tr) { showPayload(insp.rows[Number(tr.dataset.row)]); }
  });

  // An LLM run, read from the run store (GET /api/llm/runs/{id}): prompt, each model and tool call, answer, cost.
  function showRun(runId) {
    $('llm-run').hidden = false;
    $('llm-run-id').textContent = runId;
    $('llm-run-summary').textContent = 'loading…';
    $('llm-run-prompt').textContent = ''; $('llm-run-steps').innerHTML = ''; $('llm-run-answer').textContent = '';
    fetch('/api/llm/runs/' + encodeURIComponent(runId), { credentials: 'same-origin' })
      .then((r) => r.json().then((body) => ({ status: r.status, body })))
      .then(({ status, body }) => {
        if (status !== 200) { $('llm-run-summary').textContent = body.error || ('HTTP ' + status); return; }
        const res = body.result || {};
        $('llm-run-summary').textContent = (body.agent || '') + ', ' + (res.exit || 'running') + ', '
          + (res.iterations || 0) + ' model calls, ' + (res.toolCalls || 0) + ' tool calls, ' + (res.totalTokens || 0)
          + ' tokens, $' + (typeof res.costUsd === 'number' ? res.costUsd.toFixed(4) : '–')
          + (body.finishedAtMillis ? ', ' + (body.finishedAtMillis - body.startedAtMillis) + ' ms' : '')
          + (body.continues ? ', continues ' + body.continues : '') + (body.handoffOffer ? ', handed off as ' + body.handoffOffer : '')
          + (res.errors && res.errors.length ? ', errors: ' + res.errors.join('; ') : '');
        $('llm-run-prompt').textContent = body.message || '';
        $('llm-run-steps').innerHTML = (body.interactions || []).map((i) => i.kind === 'tool'
          ? '<li class="tool">tool <b>' + esc(i.tool) + '</b>(' + esc(JSON.stringify(i.arguments || {})) + ') → ' + esc(i.outcome)
            + ' in ' + i.millis + ' ms' + (i.detail ? '<pre>' + esc(JSON.stringify(i.detail, null, 2)) + '</pre>' : '') + '</li>'
          : '<li class="model">model call ' + i.iteration + ', ' + i.tokens + ' tokens' + (i.content ? ': ' + esc(i.content) : '') + '</li>')
          .join('');
        const p = res.payload || {};
        $('llm-run-answer').textContent = typeof p.text === 'string' ? p.text : JSON.stringify(p);
      })
      .catch((e) => { $('llm-run-summary').textContent = 'could not read the run: ' + e; });
  }

  $('llm-runs').addEventListener('click', (ev) => {
    const tr = ev.target.closest('tr[data-run]');
    if (tr && tr.dataset.run) { showRun(tr.dataset.run); }
  });
  $('llm-run-close').addEventListener('click', () => { $('llm-run').hidden = true; });

  function esc(x) {
    return String(x).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  $('agent-filter').addEventListener('input', render);
  connect();
}());
