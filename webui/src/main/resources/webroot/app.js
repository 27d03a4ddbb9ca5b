// agentbus dashboard: applies the server's snapshot and deltas to one state object and renders it.
(function () {
  'use strict';
  const state = { sections: {}, version: 0, prices: [] };
  const $ = (id) => document.getElementById(id);
  const fmt = (x, d = 2) => (typeof x === 'number' ? x.toFixed(d) : '–');

  function connect() {
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
    ws.onopen = () => { $('status').textContent = 'live'; $('status').className = 'status live'; };
    ws.onclose = () => {
      $('status').textContent = 'reconnecting…'; $('status').className = 'status';
      setTimeout(connect, 1000);
    };
    ws.onmessage = (ev) => {
      const msg = JSON.parse(ev.data);
      if (msg.type === 'snapshot') { state.sections = {}; }
      Object.assign(state.sections, msg.sections);
      state.version = msg.version;
      if (msg.sections.market && typeof msg.sections.market.price === 'number') {
        state.prices.push(msg.sections.market.price);
        if (state.prices.length > 48) { state.prices.shift(); }
      }
      render();
    };
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
      const p = state.prices;
      if (p.length > 1) {
        const lo = Math.min(...p) - 1, hi = Math.max(...p) + 1;
        $('price-line').setAttribute('points', p.map((v, i) => (i * 480 / 47).toFixed(1) + ','
          + (115 - (v - lo) / (hi - lo) * 110).toFixed(1)).join(' '));
      }
    }
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
      $('llm-runs').tBodies[0].innerHTML = (s.llm.recent || []).map((r) => '<tr><td>' + new Date(r.at).toLocaleTimeString()
        + '</td><td>' + esc(r.agent) + '</td><td>' + esc(r.exit) + '</td><td>' + r.iterations + '</td><td>' + r.tokens
        + '</td><td>' + r.toolCalls + '</td><td>' + r.costUsd.toFixed(4) + '</td></tr>').join('');
    }
    if (s.tail) {
      $('tail').innerHTML = s.tail.messages.slice().reverse().slice(0, 20).map((m) => '<li>'
        + new Date(m.time).toLocaleTimeString() + ' ' + esc(m.type) + ' ' + esc(m.sender) + ' → ' + esc(m.recipient)
        + ' <span class="muted">' + esc(m.channel) + ', ' + m.bytes + ' B</span></li>').join('');
    }
    document.title = 'agentbus — ' + (s.nodes ? s.nodes.members.length : 0) + ' node(s)';
  }

  function esc(x) {
    return String(x).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  $('agent-filter').addEventListener('input', render);
  connect();
}());
