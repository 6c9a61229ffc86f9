// The photo-jobs demo page: uploads photos, and shows the jobs they start and the manifest
// changes they make, live. Every event arrives over the one connection of the ssemux client, on
// the user's private channel user:<me>: no other user sees this user's jobs or file names.
import { getClient } from '/ssemux.js';

const user = new URLSearchParams(location.search).get('user') || 'demo';
const client = getClient({ params: { user }, headers: { 'X-User-Id': user } });
const mine = `user:${user}`;
const $ = (id) => document.getElementById(id);

const STATUS_RANK = { queued: 0, running: 1, completed: 2, failed: 2 };
const WIRE_LINES = 40;

/** id -> {row, status, preview} */
const jobs = new Map();

// ---- live events --------------------------------------------------------------------------------

for (const type of ['job_started', 'job_progress', 'job_completed', 'job_failed']) {
  client.subscribe({ channels: [mine], type, handler: showJob });
}
client.subscribe({ channels: [mine], type: 'manifest_changed', handler: showChange });
client.subscribe({ channels: [mine], handler: showOnWire });

client.onState(showState);
showState(client.state);
client.onReset(({ reason }) => showOnWire({ reason }, { type: 'reset', channel: '–', id: '' }));

// ---- jobs ---------------------------------------------------------------------------------------

function showJob(job) {
  let entry = jobs.get(job.id);
  if (!entry) {
    entry = { row: jobRow(), status: 'queued', preview: null };
    jobs.set(job.id, entry);
    $('jobs').prepend(entry.row);
    $('jobs-empty').hidden = true;
  }
  if (STATUS_RANK[job.status] < STATUS_RANK[entry.status]) return; // the upload's answer came after its events
  entry.status = job.status;
  const { row } = entry;
  row.dataset.id = job.id;
  row.dataset.status = job.status;
  row.querySelector('.name').textContent = job.file_name;
  row.querySelector('.meta').textContent = `${job.project_folder} · ${job.task_type} · ${job.id}`;
  const pill = row.querySelector('.pill');
  pill.textContent = job.status;
  pill.className = `pill ${job.status}`;
  const progress = job.status === 'completed' ? 100 : job.progress ?? 0;
  row.querySelector('.bar > span').style.width = `${progress}%`;
  row.querySelector('.step').textContent = stepText(job, progress);
  if (entry.preview) row.querySelector('.thumb').style.backgroundImage = `url("${entry.preview}")`;
}

function stepText(job, progress) {
  switch (job.status) {
    case 'queued': return 'waiting for a worker';
    case 'running': return `${progress}% · ${job.step ?? 'started'}`;
    case 'completed': return `done · ${job.width}×${job.height} px · ${job.thumbnail}`;
    case 'failed': return job.reason;
    default: return '';
  }
}

function jobRow() {
  const row = document.createElement('li');
  row.className = 'job';
  row.innerHTML = `
    <div class="thumb" aria-hidden="true"></div>
    <div class="body">
      <div class="line"><span class="name"></span><span class="pill"></span></div>
      <div class="meta"></div>
      <div class="bar"><span></span></div>
      <div class="step"></div>
    </div>`;
  return row;
}

// ---- pending changes ----------------------------------------------------------------------------

function showChange(change) {
  const row = document.createElement('li');
  const time = new Date(change.timestamp).toLocaleTimeString();
  row.innerHTML = `<span class="folder"></span><span class="what">manifest.json changed</span><time></time>`;
  row.querySelector('.folder').textContent = change.project_folder;
  row.querySelector('time').textContent = time;
  row.querySelector('time').dateTime = change.timestamp;
  $('changes').prepend(row);
  $('changes-empty').hidden = true;
}

// ---- the wire -----------------------------------------------------------------------------------

function showOnWire(data, { type, channel, id }) {
  const row = document.createElement('li');
  row.innerHTML = `<span class="ch"></span><span class="type"></span><span class="data"></span>`;
  row.querySelector('.ch').textContent = channel;
  row.querySelector('.type').textContent = type;
  row.querySelector('.data').textContent = JSON.stringify(data);
  row.title = `event id ${id}`;
  const wire = $('wire');
  wire.prepend(row);
  while (wire.children.length > WIRE_LINES) wire.lastElementChild.remove();
}

// ---- connection ---------------------------------------------------------------------------------

function showState(state) {
  const pill = $('state');
  pill.textContent = state;
  pill.className = `pill state-${state}`;
  if (state === 'open') refreshStats(); // not a second later: the count just changed
}

async function refreshStats() {
  try {
    const response = await fetch(`/api/sse/stats?user=${encodeURIComponent(user)}`);
    $('leader').textContent = client.isLeader ? 'holds the connection' : 'shares another tab\'s connection';
    if (response.status === 403) return; // the stats need the admin grant (a Spring app's user may lack it): '–' stays
    const stats = await response.json();
    $('connections').textContent = stats.connectionsPerUser[user] ?? 0;
    $('events').textContent = `${stats.eventsPublished} / ${stats.eventsDelivered}`;
  } catch {
    $('connections').textContent = '?';
  }
}

// ---- uploads ------------------------------------------------------------------------------------

// An app with Spring Security's CSRF protection (examples/spring-boot-photo-jobs) hands the page its
// token in the XSRF-TOKEN cookie and wants it back in a header; the standalone server sets none.
function csrfHeader() {
  const token = document.cookie.match(/(?:^|;\s*)XSRF-TOKEN=([^;]*)/)?.[1];
  return token ? { 'X-XSRF-TOKEN': decodeURIComponent(token) } : {};
}

$('upload-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const folder = $('folder').value.trim();
  const files = [...$('file').files];
  $('upload-errors').replaceChildren();
  await Promise.all(files.map((file) => upload(folder, file)));
  $('file').value = '';
});

async function upload(folder, file) {
  const form = new FormData();
  form.append('photo', file);
  let status = 'no answer';
  let answer;
  try {
    const response = await fetch(`/api/projects/${encodeURIComponent(folder)}/photos?user=${encodeURIComponent(user)}`, {
      method: 'POST',
      headers: csrfHeader(),
      body: form,
    });
    status = response.status;
    answer = await response.json();
  } catch (error) {
    answer = { message: error.message };
  }
  if (status === 202) {
    showJob(answer);
    const entry = jobs.get(answer.id);
    entry.preview = URL.createObjectURL(file);
    entry.row.querySelector('.thumb').style.backgroundImage = `url("${entry.preview}")`;
  } else {
    const row = document.createElement('li');
    row.innerHTML = '<strong></strong> <span></span>';
    row.querySelector('strong').textContent = file.name;
    row.querySelector('span').textContent = `${status} · ${answer.message}`;
    $('upload-errors').append(row);
  }
}

$('user').textContent = user;
for (const label of document.querySelectorAll('.private-channel')) label.textContent = mine;
$('stats-user').textContent = user;
$('stats-link').href = `/api/sse/stats?user=${encodeURIComponent(user)}`;
refreshStats();
setInterval(refreshStats, 1000);
