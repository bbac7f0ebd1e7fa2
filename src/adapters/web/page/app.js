// @ts-check
import { ApiError, api, BASE, fileUrl, whenSignedOut } from './api.js';
import { Attachments } from './attachments.js';
import { Sidebar } from './sidebar.js';
import { Transcript } from './transcript.js';

/*
 * The web chat page: the conversation list, one conversation followed over Server-Sent Events, the
 * message box with its files, and the Stop and Reset controls. Everything shown comes from the
 * conversation's event log; the page keeps only the position it has applied.
 */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const messages = /** @type {HTMLOListElement} */ ($('messages'));
const input = /** @type {HTMLTextAreaElement} */ ($('composer-input'));
const stop = /** @type {HTMLButtonElement} */ ($('stop'));
const status = $('status');
const attachments = new Attachments(/** @type {HTMLUListElement} */ ($('attachments')));

/** @type {{ id: string | undefined, stream: EventSource | undefined, transcript: Transcript | undefined }} */
const current = { id: undefined, stream: undefined, transcript: undefined };

/** @param {string} text */
const say = (text) => {
  status.textContent = text;
};

const sidebar = new Sidebar(/** @type {HTMLUListElement} */ ($('conversation-list')), {
  open: (id) => void open(id),
  removed: (id) => {
    if (id === current.id) void open(undefined);
  },
  say,
});

/**
 * Shows conversation `id` (undefined: a new, empty chat) and follows its events.
 * @param {string | undefined} id
 */
async function open(id) {
  current.stream?.close();
  current.id = id;
  // On a phone the list covers the chat: choosing a conversation closes it.
  document.body.classList.remove('sidebar-open');
  $('toggle-sidebar').setAttribute('aria-expanded', 'false');
  history.replaceState(null, '', id === undefined ? `${BASE}/` : `${BASE}/#c=${encodeURIComponent(id)}`);
  sidebar.select(id);
  $('chat-title').textContent = sidebar.title(id) || 'New chat';
  const transcript = new Transcript(
    messages,
    {
      fileUrl: (file) => fileUrl(id ?? '', file),
      decide: (approvalId, approve) => void decide(approvalId, approve),
    },
    {
      running: (running) => {
        stop.hidden = !running;
        if (!running) void showUsage();
      },
      status: (text) => say(text),
    },
  );
  current.transcript = transcript;
  stop.hidden = true;
  say('');
  $('usage').textContent = '';
  if (id === undefined) return;
  // EventSource reconnects by itself after a dropped connection, sending the last event id it saw.
  const stream = new EventSource(`${BASE}/api/conversations/${encodeURIComponent(id)}/events`);
  stream.addEventListener('message', (event) => {
    transcript.apply(JSON.parse(event.data), Number(event.lastEventId));
  });
  stream.addEventListener('error', () => {
    if (stream.readyState === EventSource.CLOSED)
      say('The connection was lost. Reload the page to reconnect.');
  });
  current.stream = stream;
  await showUsage();
}

async function showUsage() {
  if (current.id === undefined) return;
  const { user, conversation, limits } = await api(
    'GET',
    `conversations/${encodeURIComponent(current.id)}/usage`,
  ).catch(() => ({}));
  if (!user || !conversation) return;
  /** @param {{ inputTokens: number, outputTokens: number }} t */
  const tokens = (t) => (t.inputTokens + t.outputTokens).toLocaleString('en-US');
  const budget =
    limits?.dailyTokensPerUser > 0 ? ` of ${limits.dailyTokensPerUser.toLocaleString('en-US')}` : '';
  $('usage').textContent =
    `Today: ${tokens(conversation)} tokens in this conversation, ${tokens(user)}${budget} in all.`;
}

/** Sends what is in the message box, with its files; a new chat is created first. */
async function send() {
  const text = input.value;
  if (text.trim() === '' && attachments.files.length === 0) return;
  try {
    if (current.id === undefined) {
      const created = await api('POST', 'conversations');
      await open(created.id);
    }
    const id = /** @type {string} */ (current.id);
    input.value = '';
    const uploads = await attachments.upload(id);
    const result = await api('POST', `conversations/${encodeURIComponent(id)}/messages`, {
      json: { id: crypto.randomUUID(), text, uploads },
    });
    if (result.outcome === 'queued') say('Queued: it will be answered when the current answer ends.');
    await sidebar.refresh();
    $('chat-title').textContent = sidebar.title(id) || 'New chat';
  } catch (error) {
    say(
      error instanceof ApiError ? `Not sent: ${error.message}` : 'Not sent: the server could not be reached.',
    );
  }
}

/**
 * @param {string} approvalId
 * @param {boolean} approve
 */
async function decide(approvalId, approve) {
  if (current.id === undefined) return;
  const path = `conversations/${encodeURIComponent(current.id)}/approvals/${encodeURIComponent(approvalId)}`;
  const result = await api('POST', path, { json: { approve } }).catch((error) => ({
    message: String(error.message),
  }));
  if (result.message) say(result.message);
}

// The skip link puts the keyboard in the message box (a fragment link alone only scrolls there).
document.querySelector('.skip')?.addEventListener('click', (event) => {
  event.preventDefault();
  input.focus();
});
$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  void send();
});
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    void send();
  }
});
stop.addEventListener('click', async () => {
  if (current.id === undefined) return;
  const { stopped } = await api('POST', `conversations/${encodeURIComponent(current.id)}/stop`);
  if (!stopped) say('Nothing is running.');
});
$('reset').addEventListener('click', async () => {
  if (current.id !== undefined) await api('POST', `conversations/${encodeURIComponent(current.id)}/reset`);
});
$('new-chat').addEventListener('click', () => {
  void open(undefined);
  input.focus();
});
$('file-input').addEventListener('change', (event) => {
  const picker = /** @type {HTMLInputElement} */ (event.target);
  attachments.add(picker.files ?? []);
  picker.value = '';
});
const composer = $('composer');
composer.addEventListener('dragover', (event) => {
  event.preventDefault();
  composer.classList.add('dropping');
});
composer.addEventListener('dragleave', () => composer.classList.remove('dropping'));
composer.addEventListener('drop', (event) => {
  event.preventDefault();
  composer.classList.remove('dropping');
  attachments.add(event.dataTransfer?.files ?? []);
});
$('toggle-sidebar').addEventListener('click', (event) => {
  const open = document.body.classList.toggle('sidebar-open');
  /** @type {HTMLElement} */ (event.currentTarget).setAttribute('aria-expanded', String(open));
});

const login = /** @type {HTMLDialogElement} */ ($('login'));
whenSignedOut(() => {
  if (!login.open) login.showModal();
});
$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = /** @type {HTMLInputElement} */ ($('login-token')).value;
  try {
    await api('POST', 'session', { json: { token } });
    login.close();
    await start();
  } catch (error) {
    $('login-error').textContent =
      error instanceof ApiError ? error.message : 'The server could not be reached.';
  }
});

async function start() {
  const me = await api('GET', 'me').catch(() => undefined);
  if (me === undefined) return;
  $('whoami').textContent = `Signed in as ${me.user}`;
  await sidebar.refresh();
  const wanted = new URLSearchParams(location.hash.slice(1)).get('c') ?? undefined;
  await open(wanted !== undefined && sidebar.title(wanted) !== undefined ? wanted : undefined);
}

void start();
