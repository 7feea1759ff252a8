export const id = 727;
export const ids = [727];
export const modules = {

/***/ 3727:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// UNUSED EXPORTS: TUNING_ENV, tuningFromEnv, withLiveNow

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 10 modules
var core = __webpack_require__(7264);
;// CONCATENATED MODULE: ./src/errors.ts
/**
 * The action's typed errors. `main.ts` is the one place that turns them into `setFailed`.
 * No error message may contain a secret: callers pass values through `redact()` where a
 * value might be one.
 */
/** A bad input or config file entry: names the input, the bad value and what is allowed. */
class InputError extends Error {
    input;
    constructor(input, message) {
        super(message);
        this.input = input;
        this.name = 'InputError';
    }
}
/** An answer from the Heroku Platform API outside 2xx (after retries, where retrying was safe). */
class HerokuApiError extends Error {
    status;
    herokuId;
    herokuMessage;
    requestId;
    method;
    path;
    hint;
    constructor(status, herokuId, herokuMessage, requestId, method, path, hint) {
        const idPart = herokuId ? ` ${herokuId}` : '';
        const reqPart = requestId ? ` (Request-Id ${requestId})` : '';
        const hintPart = hint ? ` Hint: ${hint}` : '';
        super(`Heroku API ${method} ${path} answered ${status}${idPart}: ${herokuMessage}${reqPart}.${hintPart}`);
        this.status = status;
        this.herokuId = herokuId;
        this.herokuMessage = herokuMessage;
        this.requestId = requestId;
        this.method = method;
        this.path = path;
        this.hint = hint;
        this.name = 'HerokuApiError';
    }
}
/** A network failure or timeout talking to Heroku that retries could not overcome. */
class HerokuNetworkError extends Error {
    method;
    path;
    causeCode;
    constructor(method, path, causeCode, message) {
        super(`Heroku API ${method} ${path} failed: ${message}`);
        this.method = method;
        this.path = path;
        this.causeCode = causeCode;
        this.name = 'HerokuNetworkError';
    }
}
/** A wait that reached its deadline. */
class TimeoutError extends Error {
    what;
    seconds;
    constructor(what, seconds) {
        super(`Timed out after ${seconds} s waiting for ${what}`);
        this.what = what;
        this.seconds = seconds;
        this.name = 'TimeoutError';
    }
}
/** A deploy step that failed for a reason the user must see (build failed, gate failed, …). */
class DeployError extends Error {
    logTail;
    constructor(message, 
    /** The tail of the relevant log (build, release phase, probe bodies), if any. */
    logTail) {
        super(message);
        this.logTail = logTail;
        this.name = 'DeployError';
    }
}
/** The message of anything thrown, without a leading "Error: ". */
function errorMessage(err) {
    if (err instanceof Error)
        return err.message;
    return String(err);
}
/** An input error as the user sees it: always naming the input. */
function describeInputError(err) {
    if (err.message.includes(err.input))
        return `Input error: ${err.message}`;
    // A config-file key can be any text (newlines, megabytes): the message already shows it
    // escaped and cut short, so only a plain input name is repeated as is.
    return /^[\w-]{1,64}$/.test(err.input)
        ? `Input error (${err.input}): ${err.message}`
        : `Input error: ${err.message}`;
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./src/inputs.ts
/**
 * All inputs and the config file → one typed, validated `Settings`; the runner's environment and
 * event payload → `RunContext`. Nothing here talks to the network.
 *
 * Every failure is an `InputError` that names the input (or the config file, line and key), shows
 * the bad value (never a secret: those read "(hidden)") and says what is allowed.
 *
 * Workflow vs config file: the runner fills every input with its action.yml default, so a
 * workflow value can only be told apart from "not set" by comparing it with that default. The
 * rule is: a workflow value that is empty or equal to the action.yml default (`INPUT_DEFAULTS`;
 * for `version` also `$GITHUB_SHA`) counts as unset and the config file's value wins; any other
 * workflow value wins over the file.
 */






/** The action.yml default of every input (`github-token`'s is `${{ github.token }}` there). */
const INPUT_DEFAULTS = {
    'heroku-api-key': '',
    command: 'auto',
    pipeline: '',
    app: '',
    targets: '',
    promote: 'false',
    release: '',
    'source-dir': '.',
    method: 'build',
    version: '',
    buildpacks: '',
    'config-vars': '',
    'review-app-env': '',
    'review-app-max-age': '0',
    'health-check': '',
    'health-check-status': '200-399',
    'health-check-body': '',
    'health-check-timeout': '300',
    'health-check-interval': '5',
    'health-check-successes': '2',
    'rollback-on-failure': 'true',
    'wait-timeout': '1800',
    'github-token': '',
    'pr-comment': 'true',
    'github-deployments': 'true',
    'config-file': '',
    'dry-run': 'false',
    'heroku-api-url': 'https://api.heroku.com'
};
/** Integer inputs: their bounds (only `review-app-max-age` may be 0). */
const INTEGER_LIMITS = {
    'review-app-max-age': { allowZero: true, max: 3650 },
    'health-check-timeout': { allowZero: false, max: 86400 },
    'health-check-interval': { allowZero: false, max: 3600 },
    'health-check-successes': { allowZero: false, max: 100 },
    'wait-timeout': { allowZero: false, max: 86400 }
};
const COMMANDS = [
    'deploy',
    'promote',
    'review-app',
    'rollback',
    'review-app-sweep'
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const APP_NAME = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;
const PIPELINE_NAME = /^[a-z][a-z0-9-]{2,29}$/;
const CONFIG_VAR_KEY = /^\w+$/;
/** Printable ASCII without spaces: what can go into an Authorization header as is. */
const TOKEN_CHARS = /^[\x21-\x7e]+$/;
/** Characters that never belong in a URL, name or version we accept. */
const UNPRINTABLE = /[\p{C}\p{Z}]/u;
const MAX_CONFIG_FILE_BYTES = 1024 * 1024;
// ---------------------------------------------------------------------------------------------
// Errors and showing values
/** An `InputError` that knows its problem apart from its subject, so a config-file location can replace the subject. */
class InvalidValue extends InputError {
    problem;
    constructor(input, problem) {
        super(input, `Input '${input}': ${problem}`);
        this.problem = problem;
    }
}
const HIDDEN = Symbol('hidden');
const MAX_SHOWN_CHARS = 80;
/**
 * A value quoted for an error message: URL credentials replaced by `***`, control, format and
 * separator characters escaped (a value cannot start a new log line), truncated when long.
 */
function showValue(value) {
    const bounded = value.length > 4 * MAX_SHOWN_CHARS ? value.slice(0, 4 * MAX_SHOWN_CHARS) : value;
    const withoutCredentials = bounded.replace(/(\/\/)[^/?#@\s]*@/g, '$1***@');
    const chars = Array.from(withoutCredentials);
    const head = chars.slice(0, MAX_SHOWN_CHARS).map(escapeChar).join('');
    const truncated = chars.length > MAX_SHOWN_CHARS || bounded !== value;
    return truncated ? `"${head}…" (${value.length} characters)` : `"${head}"`;
}
function escapeChar(ch) {
    switch (ch) {
        case '\\':
            return '\\\\';
        case '"':
            return '\\"';
        case '\n':
            return '\\n';
        case '\r':
            return '\\r';
        case '\t':
            return '\\t';
        case ' ':
            return ' ';
    }
    if (UNPRINTABLE.test(ch))
        return `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`;
    return ch;
}
function invalid(input, value, allowed) {
    const shown = value === HIDDEN ? '(hidden)' : showValue(value);
    return new InvalidValue(input, `invalid value ${shown}; ${allowed}`);
}
function fileError(loc, problem) {
    return new InputError(loc.key, `Config file ${showValue(loc.file)}, line ${loc.line}, key ${showValue(loc.key)}: ${problem}`);
}
/** Runs a parser; an error about a config-file value is re-labelled with the file, line and key. */
function located(origin, parse) {
    try {
        return parse();
    }
    catch (err) {
        if (origin.kind === 'file' && err instanceof InvalidValue)
            throw fileError(origin, err.problem);
        throw err;
    }
}
// ---------------------------------------------------------------------------------------------
// Pure parsers (each throws only InputError)
/** `true`/`false`, case-insensitive; empty: `fallback` (the contract default). */
function parseBoolean(raw, input, fallback) {
    const value = raw.trim().toLowerCase();
    if (value === '')
        return fallback;
    if (value === 'true')
        return true;
    if (value === 'false')
        return false;
    throw invalid(input, raw, 'expected true or false');
}
/** `200,204`, `200-299`, mixed, comma or newline separated; codes 100-599, min <= max. */
function parseStatusRanges(raw, input = 'health-check-status') {
    const allowed = 'expected HTTP status codes (100-599) and ranges, comma separated, e.g. 200,204 or 200-399';
    const items = parseList(raw);
    if (items.length === 0)
        throw invalid(input, raw, allowed);
    return items.map((item) => {
        const match = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(item);
        if (!match)
            throw invalid(input, item, allowed);
        const min = Number(match[1]);
        const max = match[2] === undefined ? min : Number(match[2]);
        if (min < 100 || max > 599)
            throw invalid(input, item, allowed);
        if (min > max)
            throw invalid(input, item, `${allowed} (a range goes from low to high)`);
        return { min, max };
    });
}
/**
 * A whole number of seconds, days or probes, from 1 (or 0 with `allowZero`) to `max`.
 * Only `review-app-max-age` allows 0 (see `INTEGER_LIMITS`).
 */
function parsePositiveInt(raw, input, opts = {}) {
    const min = opts.allowZero ? 0 : 1;
    const max = opts.max ?? Number.MAX_SAFE_INTEGER;
    const value = raw.trim();
    const allowed = `expected a whole number from ${min} to ${max}`;
    if (!/^\d{1,15}$/.test(value))
        throw invalid(input, raw, allowed);
    const n = Number(value);
    if (n < min || n > max)
        throw invalid(input, raw, allowed);
    return n;
}
/**
 * `KEY=VALUE` lines (config vars). Keys are Heroku config-var keys (`^\w+$`); the value is
 * everything after the first `=`, may contain `=` and may be empty; key and value are trimmed.
 * Blank lines and lines starting with `#` are skipped; a key given twice is an error.
 * Values are secrets: no message shows them, nor any line that might hold one.
 */
function parseKeyValueLines(raw, input) {
    const found = new Map();
    const lines = raw.split(/\r\n|\r|\n/);
    lines.forEach((text, index) => {
        const line = index + 1;
        const trimmed = text.trim();
        if (trimmed === '' || trimmed.startsWith('#'))
            return;
        const eq = trimmed.indexOf('=');
        if (eq < 0) {
            throw new InvalidValue(input, `line ${line} of the value is not KEY=VALUE (the line is hidden: it may hold a secret); expected one KEY=VALUE per line`);
        }
        const key = trimmed.slice(0, eq).trim();
        if (!CONFIG_VAR_KEY.test(key)) {
            throw new InvalidValue(input, `line ${line} of the value has an invalid key (hidden: the line may hold a secret); keys are letters, digits and underscores (^\\w+$), followed by =`);
        }
        const earlier = found.get(key);
        if (earlier) {
            throw new InvalidValue(input, `key ${showValue(key)} is given twice (lines ${earlier.line} and ${line}); give each key once`);
        }
        found.set(key, { value: trimmed.slice(eq + 1).trim(), line });
    });
    return Object.fromEntries([...found].map(([key, { value }]) => [key, value]));
}
/** Comma or newline separated items, trimmed, empty ones dropped. Never throws. */
function parseList(raw) {
    return raw
        .split(/[,\r\n]/)
        .map((item) => item.trim())
        .filter((item) => item !== '');
}
/** A Heroku app name (`^[a-z][a-z0-9-]{1,28}[a-z0-9]$`) or an app UUID, as written. */
function parseAppName(raw, input = 'app') {
    const value = raw.trim();
    if (APP_NAME.test(value) || UUID.test(value))
        return value;
    throw invalid(input, raw, 'expected a Heroku app name (3-30 characters: lowercase letters, digits and dashes, starting with a letter, not ending with a dash) or an app UUID');
}
/** A Heroku pipeline name (`^[a-z][a-z0-9-]{2,29}$`) or a pipeline UUID, as written. */
function parsePipelineName(raw, input = 'pipeline') {
    const value = raw.trim();
    if (PIPELINE_NAME.test(value) || UUID.test(value))
        return value;
    throw invalid(input, raw, 'expected a Heroku pipeline name (3-30 characters: lowercase letters, digits and dashes, starting with a letter) or a pipeline UUID');
}
/** `v42` or `42` → `{ version: 42 }`; a release UUID → `{ id }` (lowercased, as the API returns ids). */
function parseReleaseRef(raw, input = 'release') {
    const value = raw.trim();
    if (UUID.test(value))
        return { id: value.toLowerCase() };
    const match = /^[vV]?(\d{1,15})$/.exec(value);
    const version = match ? Number(match[1]) : 0;
    if (version >= 1 && version <= Number.MAX_SAFE_INTEGER)
        return { version };
    throw invalid(input, raw, 'expected a release version (v42 or 42, from 1) or a release UUID');
}
/**
 * `/path` (joined to the app's `web_url`) or an absolute `http(s)://` URL without credentials.
 * No whitespace, control characters or backslashes; `//host` (protocol-relative) is refused so
 * a path can never change the host it is joined to.
 */
function parseHealthCheckTarget(raw, input = 'health-check') {
    const value = raw.trim();
    const allowed = 'expected a path starting with / (joined to the app URL) or an absolute http:// or https:// URL, without spaces, control characters, backslashes or credentials';
    const shown = mayHoldCredentials(value) ? HIDDEN : raw;
    if (value === '' || value.length > 2048 || UNPRINTABLE.test(value) || value.includes('\\')) {
        throw invalid(input, shown, allowed);
    }
    if (value.startsWith('/')) {
        if (value.startsWith('//'))
            throw invalid(input, shown, allowed);
        return value;
    }
    const url = parseHttpUrl(value);
    if (!url || url.username !== '' || url.password !== '')
        throw invalid(input, shown, allowed);
    return value;
}
/** A JavaScript regular expression source (compiled without flags where it is used). */
function parseRegex(raw, input = 'health-check-body') {
    const value = raw.trim();
    if (value.length > 1024)
        throw invalid(input, raw, 'expected a regular expression of at most 1024 characters');
    try {
        new RegExp(value);
    }
    catch (err) {
        const reason = err instanceof Error ? (err.message.split(': ').pop() ?? '') : '';
        throw invalid(input, raw, `expected a valid JavaScript regular expression (${escapeText(reason, 100)})`);
    }
    return value;
}
/**
 * An API base URL: `http(s)://host[:port][/path]`, no credentials, no query or fragment.
 * Returned without a trailing slash, so paths can be appended.
 */
function parseApiUrl(raw, input = 'heroku-api-url') {
    const value = raw.trim();
    const allowed = 'expected an http:// or https:// URL without credentials, query or fragment, e.g. https://api.heroku.com';
    const shown = mayHoldCredentials(value) ? HIDDEN : raw;
    if (value === '' || value.length > 2048 || UNPRINTABLE.test(value) || /[\\?#]/.test(value)) {
        throw invalid(input, shown, allowed);
    }
    const url = parseHttpUrl(value);
    if (!url || url.username !== '' || url.password !== '')
        throw invalid(input, shown, allowed);
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
/**
 * A URL-like value with an `@` may carry a password, even a malformed one (`https://u:p/w@host`),
 * so a rejected one is not shown.
 */
function mayHoldCredentials(value) {
    return value.includes('@');
}
function parseHttpUrl(value) {
    if (!/^https?:\/\/[^/]/i.test(value))
        return undefined;
    try {
        const url = new URL(value);
        if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '')
            return undefined;
        return url;
    }
    catch {
        return undefined;
    }
}
/** `command`: `auto` or one of the commands. */
function parseCommand(raw, input = 'command') {
    const value = raw.trim();
    if (value === 'auto')
        return 'auto';
    const command = COMMANDS.find((c) => c === value);
    if (command)
        return command;
    throw invalid(input, raw, `expected one of auto, ${COMMANDS.join(', ')}`);
}
/** The command `auto` stands for on this event. */
function commandForEvent(eventName) {
    switch (eventName) {
        case 'pull_request':
        case 'pull_request_target':
            return 'review-app';
        case 'workflow_dispatch':
            return 'promote';
        case 'schedule':
            return 'review-app-sweep';
        default:
            return 'deploy';
    }
}
function parseMethod(raw, input = 'method') {
    const value = raw.trim();
    if (value === 'build' || value === 'git')
        return value;
    throw invalid(input, raw, 'expected build or git');
}
/** Free text on one line: versions, buildpacks, environment names. */
function parseLine(raw, input, maxLength, what) {
    const value = raw.trim();
    if (value.length > maxLength || /[\p{C}\p{Zl}\p{Zp}]/u.test(value)) {
        throw invalid(input, raw, `expected ${what}: at most ${maxLength} characters, on one line, without control characters`);
    }
    return value;
}
function parseBuildpack(raw, input = 'buildpacks') {
    const value = raw.trim();
    if (value.length > 1024 || UNPRINTABLE.test(value)) {
        throw invalid(input, raw, 'expected buildpack names or URLs without spaces or control characters');
    }
    return value;
}
/** A secret token: required or not, on one line, printable ASCII without spaces. */
function checkSecretToken(value, input, required) {
    if (value === '') {
        if (!required)
            return;
        throw new InvalidValue(input, `is required; pass it from a secret, e.g. ${secretExample(input)}`);
    }
    if (!TOKEN_CHARS.test(value) || value.length > 4096) {
        throw invalid(input, HIDDEN, 'expected a token on one line, without spaces or control characters');
    }
}
function secretExample(input) {
    return input === 'github-token'
        ? 'github-token: ${{ secrets.GITHUB_TOKEN }}'
        : 'heroku-api-key: ${{ secrets.HEROKU_API_KEY }}';
}
/** The allowed key closest to a misspelt one (at most 2 edits away), for the error message. */
function closestKey(key, allowed) {
    let best;
    for (const candidate of allowed) {
        const distance = editDistance(key.slice(0, 64), candidate);
        if (distance <= 2 && (!best || distance < best.distance))
            best = { key: candidate, distance };
    }
    return best?.key;
}
function editDistance(a, b) {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
            current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
        }
        previous = current;
    }
    return previous[b.length];
}
function unknownKeyProblem(key, allowed, where) {
    const suggestion = closestKey(key, allowed);
    const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
    return `unknown key${hint}; allowed keys${where}: ${allowed.join(', ')}`;
}
function escapeText(text, max) {
    const chars = Array.from(text.slice(0, 4 * max));
    const head = chars.slice(0, max).map(escapeChar).join('');
    return chars.length > max ? `${head}…` : head;
}
// ---------------------------------------------------------------------------------------------
// Masking
function maskSecret(value) {
    if (value === '')
        return;
    core.setSecret(value);
    // The runner masks line by line, so a value spanning lines is also masked per line.
    if (/[\r\n]/.test(value)) {
        for (const line of value.split(/\r\n|\r|\n/))
            if (line.trim() !== '')
                core.setSecret(line.trim());
    }
}
/** Masks the value of every `KEY=VALUE` line before parsing, so even a rejected list is masked. */
function maskKeyValueText(raw) {
    for (const line of raw.split(/\r\n|\r|\n/)) {
        const eq = line.indexOf('=');
        if (eq >= 0 && !line.trim().startsWith('#'))
            maskSecret(line.slice(eq + 1).trim());
    }
}
// ---------------------------------------------------------------------------------------------
// Run context
/** Reads an input as @actions/core does: `INPUT_` + name uppercased, spaces → `_`, trimmed. */
function readInput(env, name) {
    return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function stringOrUndefined(value) {
    return typeof value === 'string' ? value : undefined;
}
function nonEmpty(value) {
    return value === undefined || value.trim() === '' ? undefined : value.trim();
}
function readPullRequest(eventPath) {
    if (!eventPath)
        return undefined;
    let payload;
    try {
        payload = JSON.parse(external_node_fs_.readFileSync(eventPath, 'utf8'));
    }
    catch {
        return undefined;
    }
    if (!isRecord(payload) || !isRecord(payload.pull_request))
        return undefined;
    const pr = payload.pull_request;
    const head = isRecord(pr.head) ? pr.head : undefined;
    const base = isRecord(pr.base) ? pr.base : undefined;
    const number = pr.number;
    const headRef = stringOrUndefined(head?.ref);
    const headSha = stringOrUndefined(head?.sha);
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1)
        return undefined;
    if (headRef === undefined || headSha === undefined)
        return undefined;
    return {
        number,
        action: stringOrUndefined(payload.action) ?? '',
        headRef,
        headSha,
        headRepoFullName: isRecord(head?.repo) ? stringOrUndefined(head.repo.full_name) : undefined,
        baseRepoFullName: isRecord(base?.repo) ? stringOrUndefined(base.repo.full_name) : undefined,
        merged: pr.merged === true
    };
}
/** What the runner tells us about the run: environment variables and the event payload. */
function getRunContext(env = process.env) {
    const repoMatch = /^([^/\s]+)\/([^/\s]+)$/.exec(env.GITHUB_REPOSITORY?.trim() ?? '');
    return {
        eventName: env.GITHUB_EVENT_NAME?.trim() ?? '',
        sha: env.GITHUB_SHA?.trim() ?? '',
        ref: env.GITHUB_REF?.trim() ?? '',
        repository: repoMatch ? { owner: repoMatch[1], repo: repoMatch[2] } : undefined,
        serverUrl: (nonEmpty(env.GITHUB_SERVER_URL) ?? 'https://github.com').replace(/\/+$/, ''),
        apiUrl: (nonEmpty(env.GITHUB_API_URL) ?? 'https://api.github.com').replace(/\/+$/, ''),
        runId: env.GITHUB_RUN_ID?.trim() ?? '',
        workspace: nonEmpty(env.GITHUB_WORKSPACE) ?? process.cwd(),
        runnerTemp: nonEmpty(env.RUNNER_TEMP) ?? external_node_os_.tmpdir(),
        pullRequest: readPullRequest(nonEmpty(env.GITHUB_EVENT_PATH))
    };
}
/** Keys the config file accepts and the YAML shape of each. */
const FILE_KEYS = {
    command: 'string',
    pipeline: 'string',
    app: 'string',
    targets: 'targets',
    promote: 'boolean',
    release: 'string',
    'source-dir': 'string',
    method: 'string',
    version: 'string',
    buildpacks: 'list',
    'config-vars': 'key-values',
    'review-app-env': 'key-values',
    'review-app-max-age': 'integer',
    'health-check': 'string',
    'health-check-status': 'status',
    'health-check-body': 'string',
    'health-check-timeout': 'integer',
    'health-check-interval': 'integer',
    'health-check-successes': 'integer',
    'rollback-on-failure': 'boolean',
    'wait-timeout': 'integer',
    'pr-comment': 'boolean',
    'github-deployments': 'boolean',
    'dry-run': 'boolean',
    'heroku-api-url': 'string',
    'review-app-environment': 'string'
};
/** Keys of a map in the config file's `targets` list. */
const TARGET_KEYS = {
    app: 'string',
    'health-check': 'string',
    'health-check-status': 'status',
    'health-check-body': 'string',
    'health-check-timeout': 'integer',
    'health-check-interval': 'integer',
    'health-check-successes': 'integer'
};
const SECRET_INPUTS = new Set(['heroku-api-key', 'github-token']);
function lineOf(config, node, fallback = 1) {
    if ((0,dist/* isAlias */.Vj)(node) || (0,dist/* isScalar */.jn)(node) || (0,dist/* isMap */.jh)(node) || (0,dist/* isSeq */.oP)(node)) {
        const range = node.range;
        if (range)
            return config.lines.linePos(range[0]).line;
    }
    return fallback;
}
function resolveNode(doc, node) {
    const resolved = (0,dist/* isAlias */.Vj)(node) ? node.resolve(doc) : node;
    if ((0,dist/* isScalar */.jn)(resolved) || (0,dist/* isMap */.jh)(resolved) || (0,dist/* isSeq */.oP)(resolved))
        return resolved;
    return undefined;
}
function isNullNode(node) {
    return node === undefined || ((0,dist/* isScalar */.jn)(node) && node.value === null);
}
function describeNode(node) {
    if ((0,dist/* isMap */.jh)(node))
        return 'a map';
    if ((0,dist/* isSeq */.oP)(node))
        return 'a list';
    if ((0,dist/* isScalar */.jn)(node)) {
        if (node.value === null)
            return 'an empty value';
        return `a ${typeof node.value}`;
    }
    return 'an alias';
}
/** The string key of a pair, or an error naming its line. */
function pairKey(config, pair, parentKey, parentLine) {
    const key = pair.key;
    if ((0,dist/* isScalar */.jn)(key) && typeof key.value === 'string')
        return key.value;
    const line = lineOf(config, key, parentLine);
    throw fileError({ file: config.file, line, key: parentKey || '(top level)' }, 'every key must be a plain string');
}
function loadConfigFile(configPath, workspace) {
    const input = 'config-file';
    const fullPath = external_node_path_.resolve(workspace, configPath);
    let text;
    try {
        const stat = external_node_fs_.statSync(fullPath);
        if (!stat.isFile())
            throw invalid(input, configPath, 'expected a YAML file (this is not a file)');
        if (stat.size > MAX_CONFIG_FILE_BYTES) {
            throw invalid(input, configPath, `expected a YAML file of at most ${MAX_CONFIG_FILE_BYTES} bytes`);
        }
        text = external_node_fs_.readFileSync(fullPath, 'utf8');
    }
    catch (err) {
        if (err instanceof InputError)
            throw err;
        const code = isRecord(err) && typeof err.code === 'string' ? err.code : 'read error';
        throw invalid(input, configPath, `expected a readable YAML file, path relative to the workspace (${escapeText(code, 40)})`);
    }
    const lines = new dist/* LineCounter */.HN();
    const doc = (0,dist/* parseDocument */.Tp)(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const config = { file: configPath, doc, lines, entries: new Map() };
    maskFileSecrets(config);
    const syntaxError = doc.errors[0];
    if (syntaxError) {
        const line = lines.linePos(syntaxError.pos[0]).line;
        const key = topLevelKeyAt(config, syntaxError.pos[0]);
        const keyPart = key === undefined ? '' : `, key ${showValue(key)}`;
        throw new InputError(key ?? input, `Config file ${showValue(configPath)}, line ${line}${keyPart}: YAML syntax error (${syntaxError.code}): ${escapeText(syntaxError.message, 160)}`);
    }
    const root = doc.contents;
    if (root === null || ((0,dist/* isScalar */.jn)(root) && root.value === null))
        return config;
    if (!(0,dist/* isMap */.jh)(root)) {
        throw fileError({ file: configPath, line: lineOf(config, root), key: '(top level)' }, `expected a map of input names to values, got ${describeNode(root)}`);
    }
    for (const pair of root.items) {
        const key = pairKey(config, pair, '', 1);
        const keyLine = lineOf(config, pair.key);
        const loc = { file: configPath, line: keyLine, key };
        if (SECRET_INPUTS.has(key)) {
            throw fileError(loc, `secrets do not belong in the config file (it is committed with the code); pass ${key} in the workflow from the repository's secrets, e.g. ${secretExample(key)}`);
        }
        if (key === 'config-file')
            throw fileError(loc, 'the config file cannot name another config file');
        if (!Object.hasOwn(FILE_KEYS, key)) {
            throw fileError(loc, unknownKeyProblem(key, Object.keys(FILE_KEYS), ''));
        }
        const node = resolveNode(doc, pair.value);
        if (node === undefined && pair.value !== null && (0,dist/* isAlias */.Vj)(pair.value)) {
            throw fileError(loc, 'the alias does not point to a value');
        }
        if (node === undefined || isNullNode(node))
            continue;
        config.entries.set(key, {
            config,
            file: configPath,
            key,
            line: lineOf(config, node, keyLine),
            node
        });
    }
    return config;
}
/**
 * Masks what the file holds that is or may be secret (config-var and review-app-env values, a
 * misplaced key or token) before anything is validated, even in a file with syntax errors.
 */
function maskFileSecrets(config) {
    const root = config.doc.contents;
    if (!(0,dist/* isMap */.jh)(root))
        return;
    for (const pair of root.items) {
        const key = (0,dist/* isScalar */.jn)(pair.key) ? pair.key.value : undefined;
        if (key !== 'config-vars' && key !== 'review-app-env' && !SECRET_INPUTS.has(String(key))) {
            continue;
        }
        const node = resolveNode(config.doc, pair.value);
        if (node === undefined)
            continue;
        if ((0,dist/* isMap */.jh)(node))
            for (const value of scalarValuesOf(config, node))
                maskSecret(value);
        else if ((0,dist/* isScalar */.jn)(node) && typeof node.value === 'string') {
            if (SECRET_INPUTS.has(String(key)))
                maskSecret(node.value.trim());
            else
                maskKeyValueText(node.value);
        }
    }
}
/** The top-level key whose entry holds `offset`, for syntax errors. */
function topLevelKeyAt(config, offset) {
    const root = config.doc.contents;
    if (!(0,dist/* isMap */.jh)(root))
        return undefined;
    for (const pair of root.items) {
        const start = (0,dist/* isScalar */.jn)(pair.key) ? pair.key.range?.[0] : undefined;
        const value = pair.value;
        const end = value && 'range' in value && value.range ? value.range[2] : undefined;
        if (start !== undefined && end !== undefined && start <= offset && offset <= end) {
            return (0,dist/* isScalar */.jn)(pair.key) && typeof pair.key.value === 'string' ? pair.key.value : undefined;
        }
    }
    return undefined;
}
/** A nested value of a config-file entry (list item, map value) with its own line and key path. */
function childEntry(entry, node, key, fallbackLine = entry.line) {
    const resolved = resolveNode(entry.config.doc, node);
    const loc = { file: entry.file, key, line: lineOf(entry.config, resolved ?? node, fallbackLine) };
    if (resolved === undefined)
        throw fileError(loc, 'expected a value here');
    return { ...entry, ...loc, node: resolved };
}
function fileOrigin(entry) {
    return { kind: 'file', file: entry.file, line: entry.line, key: entry.key };
}
/** A scalar of the file as the text an input would hold; maps, lists and wrong types are errors. */
function scalarText(entry, kind) {
    const node = entry.node;
    if (kind === 'status' && (0,dist/* isSeq */.oP)(node)) {
        return node.items
            .map((item, i) => scalarText(childEntry(entry, item, `${entry.key}[${i}]`), 'integer'))
            .join(',');
    }
    const expected = {
        string: 'a string',
        boolean: 'true or false',
        integer: 'a whole number',
        status: 'status codes and ranges (a string, a number or a list)'
    }[kind];
    if (!(0,dist/* isScalar */.jn)(node))
        throw fileError(entry, `expected ${expected}, got ${describeNode(node)}`);
    const value = node.value;
    if (typeof value === 'string')
        return value;
    // Numbers keep their source text, so `version: 1.10` stays "1.10" and `timeout: 1e3` is refused.
    if (typeof value === 'number' && kind !== 'boolean')
        return node.source ?? String(value);
    if (typeof value === 'boolean' && kind === 'boolean')
        return String(value);
    throw fileError(entry, `expected ${expected}, got ${describeNode(node)}`);
}
/** Items of a list in the file: a YAML list of strings, or one comma/newline separated string. */
function fileListItems(entry) {
    const node = entry.node;
    if ((0,dist/* isSeq */.oP)(node)) {
        return node.items.map((item, i) => {
            const child = childEntry(entry, item, `${entry.key}[${i}]`);
            return { text: scalarText(child, 'string'), origin: fileOrigin(child) };
        });
    }
    const origin = fileOrigin(entry);
    return parseList(scalarText(entry, 'string')).map((text) => ({ text, origin }));
}
/** The scalar values of a `KEY: value` map (for masking), whatever their validity. */
function scalarValuesOf(config, node) {
    if (!(0,dist/* isMap */.jh)(node))
        return [];
    return node.items.flatMap((pair) => {
        const value = resolveNode(config.doc, pair.value);
        if (!(0,dist/* isScalar */.jn)(value) || value.value === null)
            return [];
        return [scalarString(value)];
    });
}
/** A string, number (its source text) or boolean scalar as text; anything else as ''. */
function scalarString(node) {
    const value = node.value;
    if (typeof value === 'string')
        return value;
    if (typeof value === 'number')
        return node.source ?? String(value);
    if (typeof value === 'boolean')
        return String(value);
    return '';
}
/** `config-vars` / `review-app-env` in the file: a `KEY: value` map, or `KEY=VALUE` lines. */
function fileKeyValues(entry) {
    const node = entry.node;
    if (!(0,dist/* isMap */.jh)(node)) {
        const text = scalarText(entry, 'string');
        return located(fileOrigin(entry), () => parseKeyValueLines(text, entry.key));
    }
    const result = new Map();
    for (const pair of node.items) {
        const key = pairKey(entry.config, pair, entry.key, entry.line);
        const keyLine = lineOf(entry.config, pair.key, entry.line);
        const keyPath = `${entry.key}.${key}`;
        if (!CONFIG_VAR_KEY.test(key)) {
            throw fileError({ file: entry.file, line: keyLine, key: keyPath }, 'invalid key; keys are letters, digits and underscores (^\\w+$)');
        }
        const child = childEntry(entry, pair.value, keyPath, keyLine);
        const value = child.node;
        const kind = (0,dist/* isScalar */.jn)(value) ? typeof value.value : '';
        if (!(0,dist/* isScalar */.jn)(value) || !['string', 'number', 'boolean'].includes(kind)) {
            // The value is a secret: say what it is, never what it holds.
            throw fileError(child, `expected a string value (write "" for an empty one), got ${describeNode(value)}`);
        }
        result.set(key, scalarString(value));
    }
    return Object.fromEntries(result);
}
const HEALTH_FIELDS = [
    'health-check',
    'health-check-status',
    'health-check-body',
    'health-check-timeout',
    'health-check-interval',
    'health-check-successes'
];
/** A map in the file's `targets` list: `{app, health-check…}`. */
function fileTargetMap(entry) {
    const node = entry.node;
    if (!(0,dist/* isMap */.jh)(node))
        throw fileError(entry, `expected an app name or a map, got ${describeNode(node)}`);
    const fields = new Map();
    for (const pair of node.items) {
        const key = pairKey(entry.config, pair, entry.key, entry.line);
        const keyLine = lineOf(entry.config, pair.key, entry.line);
        const keyPath = `${entry.key}.${key}`;
        if (!Object.hasOwn(TARGET_KEYS, key)) {
            throw fileError({ file: entry.file, line: keyLine, key: keyPath }, unknownKeyProblem(key, Object.keys(TARGET_KEYS), ' in a target'));
        }
        const child = childEntry(entry, pair.value, keyPath, keyLine);
        if (!isNullNode(child.node))
            fields.set(key, child);
    }
    const appEntry = fields.get('app');
    if (!appEntry)
        throw fileError(entry, 'a target map needs an app, e.g. "- app: my-app-eu"');
    const appText = scalarText(appEntry, 'string');
    const app = located(fileOrigin(appEntry), () => parseAppName(appText, 'app'));
    const overrides = HEALTH_FIELDS.flatMap((name) => {
        const field = fields.get(name);
        if (!field)
            return [];
        const text = scalarText(field, TARGET_KEYS[name]);
        return [{ name, text, origin: fileOrigin(field) }];
    });
    return { app, origin: fileOrigin(entry), overrides };
}
/** The file's `targets`: a list of app names and maps, or one comma/newline separated string. */
function fileTargets(entry) {
    const node = entry.node;
    if (!(0,dist/* isSeq */.oP)(node)) {
        return fileListItems(entry).map(({ text, origin }) => ({
            app: located(origin, () => parseAppName(text, 'targets')),
            origin,
            overrides: []
        }));
    }
    return node.items.map((item, i) => {
        const child = childEntry(entry, item, `targets[${i}]`);
        if ((0,dist/* isMap */.jh)(child.node))
            return fileTargetMap(child);
        const text = scalarText(child, 'string');
        const origin = fileOrigin(child);
        return { app: located(origin, () => parseAppName(text, 'targets')), origin, overrides: [] };
    });
}
/** Sets one health field from its text. For a target, an empty check or body turns it off. */
function applyHealthField(health, name, text) {
    switch (name) {
        case 'health-check':
            health.target = text.trim() === '' ? undefined : parseHealthCheckTarget(text, name);
            return;
        case 'health-check-body':
            health.bodyPattern = text.trim() === '' ? undefined : parseRegex(text, name);
            return;
        case 'health-check-status':
            health.statuses = parseStatusRanges(text, name);
            return;
        case 'health-check-timeout':
            health.timeoutSeconds = parsePositiveInt(text, name, INTEGER_LIMITS[name]);
            return;
        case 'health-check-interval':
            health.intervalSeconds = parsePositiveInt(text, name, INTEGER_LIMITS[name]);
            return;
        case 'health-check-successes':
            health.successes = parsePositiveInt(text, name, INTEGER_LIMITS[name]);
            return;
    }
}
function checkIntervalWithinTimeout(health, origin) {
    if (health.intervalSeconds <= health.timeoutSeconds)
        return;
    located(origin, () => {
        throw new InvalidValue('health-check-interval', `the interval (${health.intervalSeconds} s) is longer than health-check-timeout (${health.timeoutSeconds} s); the interval must not exceed the timeout`);
    });
}
// ---------------------------------------------------------------------------------------------
// source-dir
function isInside(parent, child) {
    const rel = external_node_path_.relative(parent, child);
    return rel === '' || !(rel === '..' || rel.startsWith(`..${external_node_path_.sep}`) || external_node_path_.isAbsolute(rel));
}
function realpathOr(p) {
    try {
        return external_node_fs_.realpathSync(p);
    }
    catch {
        return external_node_path_.resolve(p);
    }
}
/**
 * `source-dir` resolved against the workspace; it must stay inside it after `..` and symbolic
 * links. Returned as a real path when it exists. `mustExist`: the command packages it.
 */
function resolveSourceDir(raw, workspace, mustExist, input = 'source-dir') {
    const value = raw.trim();
    const inside = 'expected a directory inside the workspace (GITHUB_WORKSPACE)';
    if (value === '' || /[\p{C}\p{Zl}\p{Zp}]/u.test(value))
        throw invalid(input, raw, inside);
    const lexical = external_node_path_.resolve(workspace, value);
    if (!isInside(external_node_path_.resolve(workspace), lexical)) {
        throw invalid(input, raw, `${inside}; ".." or an absolute path may not leave it`);
    }
    let real;
    try {
        real = external_node_fs_.realpathSync(lexical);
    }
    catch {
        if (!mustExist)
            return lexical;
        throw invalid(input, raw, `${inside}; it does not exist (did the workflow check out the code?)`);
    }
    if (!isInside(realpathOr(workspace), real)) {
        throw invalid(input, raw, `${inside}; a symbolic link leads outside it`);
    }
    if (mustExist) {
        let isDirectory;
        try {
            isDirectory = external_node_fs_.statSync(real).isDirectory();
        }
        catch {
            isDirectory = false;
        }
        if (!isDirectory)
            throw invalid(input, raw, `${inside}; this is not a directory`);
    }
    return real;
}
// ---------------------------------------------------------------------------------------------
// Settings
const WORKFLOW = { kind: 'workflow' };
const DEFAULT = { kind: 'default' };
/**
 * Every input and the config file → `Settings`, validated without any network call.
 * Masks the Heroku key, the GitHub token and every config-var / review-app-env value first.
 */
function getSettings(env = process.env, ctx = getRunContext(env)) {
    // Secrets first: masked before anything can fail or log.
    const herokuApiKey = readInput(env, 'heroku-api-key');
    const githubToken = readInput(env, 'github-token');
    maskSecret(herokuApiKey);
    maskSecret(githubToken);
    maskKeyValueText(readInput(env, 'config-vars'));
    maskKeyValueText(readInput(env, 'review-app-env'));
    checkSecretToken(herokuApiKey, 'heroku-api-key', true);
    checkSecretToken(githubToken, 'github-token', false);
    const configFile = nonEmpty(readInput(env, 'config-file'));
    const file = configFile === undefined ? undefined : loadConfigFile(configFile, ctx.workspace);
    /** The workflow's value, unless it is empty or the action.yml default (then the file may set it). */
    const workflowValue = (name) => {
        const value = readInput(env, name);
        if (value === '' || value === INPUT_DEFAULTS[name])
            return undefined;
        if (name === 'version' && value === ctx.sha)
            return undefined;
        return value;
    };
    const pick = (name, kind) => {
        const fromWorkflow = workflowValue(name);
        if (fromWorkflow !== undefined)
            return { text: fromWorkflow, origin: WORKFLOW };
        const entry = file?.entries.get(name);
        if (entry) {
            const text = scalarText(entry, kind);
            if (text.trim() !== '')
                return { text, origin: fileOrigin(entry) };
        }
        return { text: INPUT_DEFAULTS[name], origin: DEFAULT };
    };
    const optional = (name, parse) => {
        const picked = pick(name, 'string');
        if (picked.text.trim() === '')
            return { value: undefined, origin: picked.origin };
        return { value: located(picked.origin, () => parse(picked.text, name)), origin: picked.origin };
    };
    const boolean = (name) => {
        const picked = pick(name, 'boolean');
        const fallback = INPUT_DEFAULTS[name] === 'true';
        return {
            value: located(picked.origin, () => parseBoolean(picked.text, name, fallback)),
            origin: picked.origin
        };
    };
    const integer = (name) => {
        const picked = pick(name, 'integer');
        return located(picked.origin, () => parsePositiveInt(picked.text, name, INTEGER_LIMITS[name]));
    };
    const keyValues = (name) => {
        const fromWorkflow = workflowValue(name);
        if (fromWorkflow !== undefined)
            return parseKeyValueLines(fromWorkflow, name);
        const entry = file?.entries.get(name);
        return entry ? fileKeyValues(entry) : {};
    };
    // command
    const commandPicked = pick('command', 'string');
    const commandInput = located(commandPicked.origin, () => parseCommand(commandPicked.text));
    const command = commandInput === 'auto' ? commandForEvent(ctx.eventName) : commandInput;
    const commandSource = commandInput !== 'auto'
        ? commandPicked.origin.kind === 'file'
            ? 'config-file'
            : 'input'
        : ctx.eventName || 'auto';
    const commandWhy = commandInput === 'auto'
        ? ` (chosen by command: auto from the event ${showValue(ctx.eventName)})`
        : '';
    const pipeline = optional('pipeline', parsePipelineName).value;
    const app = optional('app', parseAppName);
    const release = optional('release', parseReleaseRef).value;
    // health: the global settings, then each target's overrides over them
    const health = {
        target: undefined,
        statuses: [],
        bodyPattern: undefined,
        timeoutSeconds: 0,
        intervalSeconds: 0,
        successes: 0
    };
    const healthOrigins = new Map();
    for (const name of HEALTH_FIELDS) {
        const picked = pick(name, TARGET_KEYS[name]);
        located(picked.origin, () => applyHealthField(health, name, picked.text));
        healthOrigins.set(name, picked.origin);
    }
    const timingOrigin = [
        healthOrigins.get('health-check-interval'),
        healthOrigins.get('health-check-timeout')
    ].find((origin) => origin?.kind === 'file');
    checkIntervalWithinTimeout(health, timingOrigin ?? WORKFLOW);
    // targets: the workflow's list (with the file's per-target health for the same apps), or the file's
    const targetsEntry = file?.entries.get('targets');
    const fileTargetSpecs = targetsEntry ? fileTargets(targetsEntry) : [];
    const targetsFromWorkflow = workflowValue('targets');
    const targetSpecs = targetsFromWorkflow === undefined
        ? fileTargetSpecs
        : parseList(targetsFromWorkflow).map((text) => {
            const name = parseAppName(text, 'targets');
            const fromFile = fileTargetSpecs.find((spec) => sameApp(spec.app, name));
            return { app: name, origin: WORKFLOW, overrides: fromFile?.overrides ?? [] };
        });
    const targets = [];
    for (const spec of targetSpecs) {
        if (targets.some((t) => sameApp(t.app, spec.app))) {
            located(spec.origin, () => {
                throw new InvalidValue('targets', `app ${showValue(spec.app)} is listed twice; list each target once`);
            });
        }
        if (app.value !== undefined && sameApp(app.value, spec.app)) {
            located(spec.origin, () => {
                throw new InvalidValue('targets', `app ${showValue(spec.app)} is also the source app (app); list only the apps to promote to`);
            });
        }
        const targetHealth = { ...health, statuses: [...health.statuses] };
        for (const override of spec.overrides) {
            if (override.text.trim() === '' &&
                override.name !== 'health-check' &&
                override.name !== 'health-check-body')
                continue;
            located(override.origin, () => applyHealthField(targetHealth, override.name, override.text));
        }
        if (spec.overrides.length > 0) {
            checkIntervalWithinTimeout(targetHealth, spec.origin.kind === 'file' ? spec.origin : WORKFLOW);
        }
        targets.push({ app: spec.app, health: targetHealth });
    }
    const promote = boolean('promote');
    const methodPicked = pick('method', 'string');
    let method = located(methodPicked.origin, () => parseMethod(methodPicked.text));
    const packages = command === 'deploy' || command === 'review-app';
    const sourceDirPicked = pick('source-dir', 'string');
    const sourceDir = located(sourceDirPicked.origin, () => resolveSourceDir(sourceDirPicked.text, ctx.workspace, packages));
    const versionPicked = pick('version', 'string');
    const defaultVersion = command === 'review-app' && ctx.pullRequest ? ctx.pullRequest.headSha : ctx.sha;
    const version = versionPicked.origin.kind === 'default'
        ? defaultVersion
        : located(versionPicked.origin, () => parseLine(versionPicked.text, 'version', 256, 'a source version such as a commit SHA'));
    const buildpacksFromWorkflow = workflowValue('buildpacks');
    const buildpacksEntry = file?.entries.get('buildpacks');
    const buildpackItems = buildpacksFromWorkflow !== undefined
        ? parseList(buildpacksFromWorkflow).map((text) => ({ text, origin: WORKFLOW }))
        : buildpacksEntry
            ? fileListItems(buildpacksEntry)
            : [];
    const buildpacks = buildpackItems.map(({ text, origin }) => located(origin, () => parseBuildpack(text)));
    const configVars = keyValues('config-vars');
    const reviewAppEnv = keyValues('review-app-env');
    const environmentEntry = file?.entries.get('review-app-environment');
    let reviewAppEnvironment;
    if (environmentEntry) {
        const text = scalarText(environmentEntry, 'string');
        reviewAppEnvironment = located(fileOrigin(environmentEntry), () => parseLine(text, 'review-app-environment', 255, 'a GitHub environment name'));
        if (reviewAppEnvironment === '')
            reviewAppEnvironment = undefined;
    }
    const herokuApiUrlPicked = pick('heroku-api-url', 'string');
    const herokuApiUrl = located(herokuApiUrlPicked.origin, () => parseApiUrl(herokuApiUrlPicked.text));
    const settings = {
        herokuApiKey,
        command,
        commandSource,
        pipeline,
        app: app.value,
        targets,
        promote: promote.value,
        release,
        sourceDir,
        method,
        version,
        buildpacks,
        configVars,
        reviewAppEnv,
        reviewAppMaxAgeDays: integer('review-app-max-age'),
        health,
        rollbackOnFailure: boolean('rollback-on-failure').value,
        waitTimeoutSeconds: integer('wait-timeout'),
        githubToken,
        prComment: boolean('pr-comment').value,
        githubDeployments: boolean('github-deployments').value,
        reviewAppEnvironment,
        configFile,
        dryRun: boolean('dry-run').value,
        herokuApiUrl
    };
    // Cross-field checks. A value that came from the config file (shared by several workflows)
    // and does not apply to this command is ignored; the same value from the workflow is an error.
    if (settings.promote && command !== 'deploy') {
        if (promote.origin.kind === 'file')
            settings.promote = false;
        else {
            throw new InvalidValue('promote', `true is only allowed with command deploy, not ${command}${commandWhy}; use command promote to promote a release`);
        }
    }
    if (method === 'git' && command === 'review-app') {
        if (methodPicked.origin.kind === 'file')
            method = 'build';
        else {
            throw new InvalidValue('method', `git cannot be used with command review-app${commandWhy}: review apps are created from a source tarball; use method build`);
        }
        settings.method = method;
    }
    if ((command === 'review-app' || command === 'review-app-sweep') && !pipeline) {
        throw new InvalidValue('pipeline', `is required by command ${command}${commandWhy}; set it to the pipeline's name or UUID`);
    }
    if (command === 'promote' && targets.length === 0 && !pipeline) {
        throw new InvalidValue('pipeline', `is required by command promote${commandWhy} when targets is empty (the targets are the pipeline's production apps); set pipeline or targets`);
    }
    if ((command === 'deploy' || command === 'rollback' || command === 'promote') &&
        !settings.app &&
        !pipeline) {
        throw new InvalidValue('app', `command ${command}${commandWhy} needs app or pipeline (neither is set); set app to the Heroku app, or pipeline to use its staging app`);
    }
    return settings;
}
/** App names are lowercase; UUIDs may be written in either case. */
function sameApp(a, b) {
    return a.toLowerCase() === b.toLowerCase();
}

;// CONCATENATED MODULE: ./src/outcome.ts
function newOutcome(command, dryRun) {
    return {
        command,
        status: 'failed',
        dryRun,
        startedAt: Date.now(),
        targets: [],
        phases: [],
        notes: []
    };
}

// EXTERNAL MODULE: ./node_modules/heroku-client/lib/request.js
var lib_request = __webpack_require__(3633);
var request_default = /*#__PURE__*/__webpack_require__.n(lib_request);
;// CONCATENATED MODULE: ./src/heroku/backoff.ts
/**
 * The retry budget shared by the API client and the source upload: how many attempts, how long
 * between them (exponential, jittered), and how long in total. Time is injectable so tests never
 * wait for real.
 */
function realSleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
function resolveRetryPolicy(options, sleep, random, now) {
    return {
        maxAttempts: Math.max(1, options?.maxAttempts ?? 6),
        baseDelayMs: options?.baseDelayMs ?? 1000,
        rateLimitBaseDelayMs: options?.rateLimitBaseDelayMs ?? 2000,
        maxDelayMs: options?.maxDelayMs ?? 30000,
        maxTotalMs: options?.maxTotalMs ?? 120000,
        settleMs: options?.settleMs ?? 10000,
        sleep: sleep ?? realSleep,
        random: random ?? Math.random,
        now: now ?? Date.now
    };
}
/** Exponential backoff with full jitter: a random delay in [0, min(cap, base·2^(n−1))). */
function fullJitterDelay(policy, attempt, baseMs) {
    const ceiling = Math.min(policy.maxDelayMs, baseMs * 2 ** (attempt - 1));
    return Math.floor(policy.random() * ceiling);
}
/**
 * Exponential backoff with "equal" jitter: in [ceiling/2, ceiling). Used for 429, where a near-zero
 * delay would only spend another token of an exhausted budget.
 */
function equalJitterDelay(policy, attempt, baseMs) {
    const ceiling = Math.min(policy.maxDelayMs, baseMs * 2 ** (attempt - 1));
    return Math.floor(ceiling / 2 + (policy.random() * ceiling) / 2);
}
/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined if absent or unreadable. */
function parseRetryAfter(value, now) {
    const text = Array.isArray(value) ? value[0] : value;
    if (text === undefined || text.trim() === '')
        return undefined;
    if (/^\s*\d+(\.\d+)?\s*$/.test(text))
        return Math.round(Number(text) * 1000);
    const at = Date.parse(text);
    if (Number.isNaN(at))
        return undefined;
    return Math.max(0, at - now);
}
/** Tracks one operation's attempts against the policy's limits. */
class RetryBudget {
    policy;
    startedAt;
    slept = 0;
    constructor(policy) {
        this.policy = policy;
        this.startedAt = policy.now();
    }
    /** Whether attempt number `attempt` (just failed) may be followed by another after `delayMs`. */
    allows(attempt, delayMs) {
        if (attempt >= this.policy.maxAttempts)
            return false;
        // With an injected sleep no real time passes: count the delays too.
        const spent = Math.max(this.policy.now() - this.startedAt, this.slept);
        return spent + delayMs <= this.policy.maxTotalMs;
    }
    async wait(delayMs) {
        this.slept += delayMs;
        await this.policy.sleep(delayMs);
    }
}

;// CONCATENATED MODULE: ./src/heroku/hints.ts
/** What a Heroku error answer most likely means for the person reading the failed run. */
function hintFor(status, herokuId, method, path) {
    if (status === 422 && method === 'POST' && path === '/review-apps') {
        return 'review apps must be enabled on the pipeline (pipeline settings on Heroku), and the key must be able to create apps for the pipeline owner';
    }
    switch (status) {
        case 401:
            return 'check heroku-api-key (the key is missing, invalid or expired)';
        case 402:
            return 'the account is delinquent: its payment method must be confirmed on Heroku';
        case 403:
            if (herokuId === 'two_factor') {
                return ('this account needs a second factor for this action; use an API key of an account/team ' +
                    'member that does not require 2FA prompts (e.g. an OAuth authorization)');
            }
            if (herokuId === 'suspended')
                return 'the account or the app is suspended';
            return "the key's account lacks access to this app or pipeline";
        case 404:
            return 'not found, or the key cannot see it';
        case 406:
            return 'the API version was not accepted; check heroku-api-url points at the Platform API';
        case 429:
            return "rate limited: the account's 4,500 requests/hour budget is used up; other tools may share it";
        default:
            // 409 and 422 carry Heroku's own explanation in the message, which the error already shows.
            if (status >= 500)
                return 'Heroku answered with a server error; it may be a passing outage';
            return undefined;
    }
}

;// CONCATENATED MODULE: ./src/heroku/client.ts




/** Kept in step with package.json by hand: the bundle cannot read package.json at run time. */
const ACTION_VERSION = '0.1.0';
const DEFAULT_USER_AGENT = `heroku-pipeline-action/${ACTION_VERSION}`;
const ACCEPT_V3 = 'application/vnd.heroku+json; version=3';
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
const AMBIGUOUS_STATUSES = new Set([500, 502, 503, 504]);
const RETRY_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'ETIMEDOUT',
    'EPIPE',
    'ECONNABORTED',
    'EHOSTUNREACH',
    'EAI_AGAIN',
    'EBADRESPONSE'
]);
const MAX_PAGES = 200;
class HerokuClient {
    stats = { requests: 0, rateLimitRemaining: undefined };
    retryPolicy;
    apiKey;
    origin;
    pathPrefix;
    userAgent;
    /** Limit for one request (the upload and output streams derive theirs from it). */
    requestTimeoutMs;
    logSink;
    constructor(options) {
        this.apiKey = options.apiKey;
        const url = new URL(options.baseUrl);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') {
            throw new Error(`heroku-api-url must be an http(s) URL, got the scheme ${url.protocol}`);
        }
        // Credentials in the URL are never used (heroku-client reads only scheme, host and port).
        this.origin = `${url.protocol}//${url.host}`;
        this.pathPrefix = url.pathname.replace(/\/+$/, '');
        this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
        this.requestTimeoutMs = options.requestTimeoutMs ?? 30000;
        this.retryPolicy = resolveRetryPolicy(options.retry, options.sleep, options.random, options.now);
        this.logSink = options.log;
    }
    /** Writes a line to the injected log with the API key blotted out. */
    log(msg) {
        this.logSink?.(this.scrub(msg));
    }
    /** Removes the API key from text that might echo it (error bodies, messages). */
    scrub(text) {
        if (this.apiKey.length < 4)
            return text;
        return text.split(this.apiKey).join('[redacted]');
    }
    async get(path, opts = {}) {
        if (opts.partial === false)
            return (await this.getList(path, { ...opts, all: true }));
        return (await this.send('GET', path, opts)).body;
    }
    /** One page of a list (`all` false), or every page following `Next-Range` (`all` true). */
    async getList(path, opts = {}) {
        let range = opts.range ?? 'id ..; max=1000';
        const items = [];
        const seenRanges = new Set([range]);
        for (let page = 1;; page++) {
            const res = await this.send('GET', path, { range, accept: opts.accept });
            if (!Array.isArray(res.body)) {
                throw new HerokuApiError(res.status, undefined, 'expected a JSON list', requestIdOf(res.headers), 'GET', path, undefined);
            }
            items.push(...res.body);
            const next = headerValue(res.headers, 'next-range');
            if (!opts.all || res.status !== 206 || !next || seenRanges.has(next))
                return items;
            if (page >= MAX_PAGES) {
                this.log(`Heroku API GET ${path}: stopped after ${MAX_PAGES} pages`);
                return items;
            }
            seenRanges.add(next);
            range = next;
        }
    }
    async put(path, opts = {}) {
        return (await this.send('PUT', path, opts)).body;
    }
    /** Re-sent only where it surely did not arrive (429, refused), unless `idempotent` is set. */
    async patch(path, opts = {}) {
        return (await this.send('PATCH', path, opts)).body;
    }
    /** Re-sent only where it surely did not arrive (429, refused), unless `idempotent` is set. */
    async post(path, opts = {}) {
        return (await this.send('POST', path, opts)).body;
    }
    /** Re-sent only where it surely did not arrive (429, refused), unless `idempotent` is set. */
    async delete(path, opts = {}) {
        return (await this.send('DELETE', path, opts)).body;
    }
    /**
     * A request that may create or change something: never re-sent blindly. On an ambiguous
     * failure (connection lost or timed out after sending, 5xx) it calls `findExisting()`; if that
     * finds the thing, return it; else retry (bounded, backoff). 429 and connection-refused are
     * safe to retry directly.
     */
    async create(method, path, body, findExisting, opts = {}) {
        const result = await this.exchange(method, path, { ...opts, body, idempotent: false }, findExisting);
        return 'found' in result ? result.found : result.body;
    }
    /** `GET /account/rate-limits`: tokens left; this call is not counted against the limit. */
    async rateLimit() {
        const body = await this.get('/account/rate-limits');
        const remaining = typeof body.remaining === 'number' ? body.remaining : undefined;
        if (remaining !== undefined)
            this.stats.rateLimitRemaining = remaining;
        return remaining;
    }
    async send(method, path, opts) {
        const result = await this.exchange(method, path, opts, undefined);
        return result;
    }
    async exchange(method, path, opts, findExisting) {
        const idempotent = opts.idempotent ?? (method === 'GET' || method === 'PUT');
        const budget = new RetryBudget(this.retryPolicy);
        let sentAmbiguously = false;
        for (let attempt = 1;; attempt++) {
            const result = await this.attempt(method, path, opts);
            if (result.ok)
                return result;
            if (!isTransient(result)) {
                // A 409/422 after an attempt that may have arrived can mean "that one did arrive".
                if (sentAmbiguously &&
                    findExisting &&
                    result.kind === 'http' &&
                    (result.status === 409 || result.status === 422)) {
                    const found = await findExisting();
                    if (found !== undefined)
                        return this.foundIt(method, path, found);
                }
                throw this.toError(method, path, result, attempt);
            }
            const delay = this.delayFor(result, attempt);
            const canRetry = budget.allows(attempt, delay);
            const ambiguous = !idempotent && isAmbiguous(result);
            if (!ambiguous) {
                if (!canRetry)
                    throw this.toError(method, path, result, attempt);
                this.log(`${describe(method, path, result)}; retrying in ${seconds(delay)} (attempt ${attempt + 1} of ${this.retryPolicy.maxAttempts})`);
                await budget.wait(delay);
                continue;
            }
            // It may have arrived: never re-send without checking first.
            if (!findExisting)
                throw this.toError(method, path, result, attempt);
            sentAmbiguously = true;
            if (canRetry) {
                this.log(`${describe(method, path, result)}; it may have arrived: checking in ${seconds(delay)} before sending again`);
                await budget.wait(delay);
            }
            // A request we stopped waiting for may still be running at Heroku (for about as long
            // again), and some effects show up only a moment after they were accepted: keep looking
            // that long before concluding it did not arrive.
            const lookMs = Math.max(opts.delayedEffect ? this.retryPolicy.settleMs : 0, result.kind === 'network' && result.code === 'ETIMEDOUT' ? this.requestTimeoutMs : 0);
            const found = await this.lookFor(findExisting, lookMs, budget);
            if (found !== undefined)
                return this.foundIt(method, path, found);
            if (!canRetry)
                throw this.toError(method, path, result, attempt);
            this.log(`Heroku API ${method} ${path}: not found after the failure; sending again (attempt ${attempt + 1} of ${this.retryPolicy.maxAttempts})`);
        }
    }
    /** Calls `findExisting` until it finds something or `windowMs` has passed (one call for 0). */
    async lookFor(findExisting, windowMs, budget) {
        const started = this.retryPolicy.now();
        const step = Math.max(250, Math.round(windowMs / 10));
        let waited = 0;
        for (;;) {
            const found = await findExisting();
            if (found !== undefined)
                return found;
            // With an injected sleep no real time passes: count the waits too.
            const left = windowMs - Math.max(this.retryPolicy.now() - started, waited);
            if (left <= 0)
                return undefined;
            const pause = Math.min(step, left);
            waited += pause;
            await budget.wait(pause);
        }
    }
    foundIt(method, path, found) {
        this.log(`Heroku API ${method} ${path}: the earlier attempt did arrive; not sending it again`);
        return { found };
    }
    delayFor(failure, attempt) {
        const policy = this.retryPolicy;
        if (failure.kind === 'http') {
            const retryAfter = parseRetryAfter(failure.headers['retry-after'], Date.now());
            if (retryAfter !== undefined)
                return Math.min(retryAfter, policy.maxDelayMs);
            if (failure.status === 429)
                return equalJitterDelay(policy, attempt, policy.rateLimitBaseDelayMs);
        }
        return fullJitterDelay(policy, attempt, policy.baseDelayMs);
    }
    /** One HTTP exchange; never rejects. */
    attempt(method, path, opts) {
        return new Promise((resolve) => {
            let settled = false;
            let connected = false;
            let response;
            let clientRequest;
            const timeoutMs = opts.timeoutMs ?? this.requestTimeoutMs;
            const finish = (result) => {
                if (settled)
                    return;
                settled = true;
                clearTimeout(timer);
                resolve(result);
            };
            const networkFailure = (code, message) => ({
                ok: false,
                kind: 'network',
                code,
                message,
                mayHaveArrived: connected && code !== 'ECONNREFUSED'
            });
            const headers = {
                Accept: opts.accept ?? ACCEPT_V3,
                Authorization: `Bearer ${this.apiKey}`,
                'User-Agent': this.userAgent
            };
            if (opts.range)
                headers.Range = opts.range;
            const request = new (request_default())({
                method,
                path: this.pathPrefix + path,
                host: this.origin,
                headers,
                body: opts.body,
                partial: true,
                userAgent: this.userAgent,
                middleware: (res, next) => {
                    response = res;
                    this.noteRateLimit(res.headers);
                    res.on('error', () => undefined);
                    // heroku-client waits for 'end' only: a connection lost mid-body would hang it.
                    res.once('close', () => {
                        if (!res.complete)
                            finish(networkFailure('ECONNRESET', 'the connection closed in the middle of the answer'));
                    });
                    next();
                }
            });
            request.logRequest = (req) => {
                clientRequest = req;
                this.stats.requests++;
                if (!opts.range)
                    req.removeHeader('Range');
                req.once('socket', (socket) => {
                    if (!socket.connecting)
                        connected = true;
                    else
                        socket.once('connect', () => (connected = true));
                });
            };
            request.handleError = (error) => request.reject(error);
            const timer = setTimeout(() => {
                const error = Object.assign(new Error(`no complete answer within ${timeoutMs} ms`), {
                    code: 'ETIMEDOUT'
                });
                finish(networkFailure('ETIMEDOUT', error.message));
                clientRequest?.destroy(error);
            }, timeoutMs);
            request.request().then((body) => finish({
                ok: true,
                status: response?.statusCode ?? 200,
                headers: response?.headers ?? {},
                body
            }), (error) => {
                const err = error;
                if (typeof err.statusCode === 'number') {
                    finish({
                        ok: false,
                        kind: 'http',
                        status: err.statusCode,
                        headers: response?.headers ?? {},
                        body: err.body
                    });
                }
                else if (response && error instanceof SyntaxError) {
                    finish(networkFailure('EBADRESPONSE', `the answer (HTTP ${response.statusCode}) was not valid JSON`));
                }
                else {
                    finish(networkFailure(err.code ?? 'ERR_NETWORK', err.message ?? String(error)));
                }
            });
        });
    }
    noteRateLimit(headers) {
        const value = headerValue(headers, 'ratelimit-remaining');
        if (value === undefined)
            return;
        const remaining = Number.parseInt(value, 10);
        if (Number.isFinite(remaining))
            this.stats.rateLimitRemaining = remaining;
    }
    toError(method, path, failure, attempts) {
        const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
        if (failure.kind === 'network') {
            return new HerokuNetworkError(method, path, failure.code, this.scrub(`${failure.code}: ${failure.message}${tries}`));
        }
        const { id, message } = errorBody(failure.body, failure.status);
        return new HerokuApiError(failure.status, id, this.scrub(message), requestIdOf(failure.headers), method, path, hintFor(failure.status, id, method, path));
    }
}
function isTransient(failure) {
    return failure.kind === 'http'
        ? RETRY_STATUSES.has(failure.status)
        : RETRY_CODES.has(failure.code);
}
/** Heroku may have acted on it: 5xx, or a connection that was made and then failed. */
function isAmbiguous(failure) {
    return failure.kind === 'http' ? AMBIGUOUS_STATUSES.has(failure.status) : failure.mayHaveArrived;
}
function describe(method, path, failure) {
    if (failure.kind === 'network')
        return `Heroku API ${method} ${path} failed (${failure.code})`;
    const reqId = requestIdOf(failure.headers);
    return `Heroku API ${method} ${path} answered ${failure.status}${reqId ? ` (Request-Id ${reqId})` : ''}`;
}
function seconds(ms) {
    return `${(ms / 1000).toFixed(1)} s`;
}
function headerValue(headers, name) {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
}
function requestIdOf(headers) {
    return headerValue(headers, 'request-id');
}
/** Heroku's `{id, message}`, or a short excerpt of whatever else came back. */
function errorBody(body, status) {
    if (body && typeof body === 'object') {
        const { id, message } = body;
        return {
            id: typeof id === 'string' ? id : undefined,
            message: typeof message === 'string' && message.trim() ? message.trim() : `HTTP ${status}`
        };
    }
    if (typeof body === 'string' && body.trim()) {
        const text = body
            .replace(/<[^>]*>/g, ' ')
            .replace(/\s+/g, ' ')
            .trim();
        return { id: undefined, message: text.length > 200 ? `${text.slice(0, 200)}…` : text };
    }
    return { id: undefined, message: `HTTP ${status}` };
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
var external_node_https_default = /*#__PURE__*/__webpack_require__.n(external_node_https_);
;// CONCATENATED MODULE: ./src/heroku/upload.ts
/**
 * PUTs the source tarball to the pre-signed `put_url` of `POST /sources`, streamed from disk.
 * The URL carries its own signature: no Heroku Authorization, and an empty Content-Type because
 * the URL was signed for one. The URL is a secret: errors say "the upload URL".
 */







const WHERE = 'the upload URL';
async function uploadFile(putUrl, filePath, sizeBytes, opts) {
    const size = (await (0,promises_.stat)(filePath)).size;
    if (size !== sizeBytes) {
        throw new Error(`The source archive is ${size} bytes on disk, not the expected ${sizeBytes}`);
    }
    let url;
    try {
        url = new URL(putUrl);
    }
    catch {
        throw new Error(`${WHERE} returned by POST /sources is not a valid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new Error(`${WHERE} returned by POST /sources is not an http(s) URL`);
    }
    const budget = new RetryBudget(opts.retry);
    for (let attempt = 1;; attempt++) {
        const result = await putOnce(url, filePath, sizeBytes, opts.idleTimeoutMs ?? 60000);
        if (result.ok)
            return;
        if (result.kind === 'file')
            throw result.error;
        // A PUT of the same bytes is idempotent: retry server errors and lost connections.
        const transient = result.kind === 'network' || result.status >= 500 || result.status === 429;
        const delay = result.kind === 'http' && result.retryAfterMs !== undefined
            ? Math.min(result.retryAfterMs, opts.retry.maxDelayMs)
            : fullJitterDelay(opts.retry, attempt, opts.retry.baseDelayMs);
        if (!transient || !budget.allows(attempt, delay))
            throw toError(result, attempt);
        const what = result.kind === 'http' ? `answered ${result.status}` : `failed (${result.code})`;
        opts.log?.(`Uploading the source to ${WHERE} ${what}; retrying in ${(delay / 1000).toFixed(1)} s`);
        await budget.wait(delay);
    }
}
function putOnce(url, filePath, sizeBytes, idleTimeoutMs) {
    return new Promise((resolve) => {
        let settled = false;
        const finish = (result) => {
            if (settled)
                return;
            settled = true;
            resolve(result);
        };
        const request = url.protocol === 'https:' ? (external_node_https_default()).request : (external_node_http_default()).request;
        const req = request(url, {
            method: 'PUT',
            headers: {
                'Content-Length': String(sizeBytes),
                'Content-Type': '',
                'User-Agent': DEFAULT_USER_AGENT
            }
        });
        req.on('response', (res) => {
            const status = res.statusCode ?? 0;
            const chunks = [];
            let length = 0;
            res.on('data', (chunk) => {
                // Enough for an S3 error document; the rest is dropped.
                if (length < 8192)
                    chunks.push(chunk);
                length += chunk.length;
            });
            res.on('error', () => undefined);
            res.on('close', () => {
                if (status >= 200 && status < 300) {
                    finish({ ok: true });
                    return;
                }
                // S3 may echo parts of the signed request: keep no text that contains them.
                const body = Buffer.concat(chunks).toString('utf8').split(url.search).join('');
                finish({
                    ok: false,
                    kind: 'http',
                    status,
                    code: xmlTag(body, 'Code'),
                    message: safeMessage(xmlTag(body, 'Message'), url) ?? `HTTP ${status}`,
                    requestId: headerText(res.headers['x-amz-request-id'] ?? res.headers['request-id']),
                    retryAfterMs: parseRetryAfter(res.headers['retry-after'], Date.now())
                });
            });
        });
        req.on('error', (error) => {
            finish({
                ok: false,
                kind: 'network',
                code: error.code ?? 'ERR_NETWORK',
                message: error.message
            });
        });
        req.setTimeout(idleTimeoutMs, () => {
            req.destroy(Object.assign(new Error(`no progress for ${idleTimeoutMs} ms`), { code: 'ETIMEDOUT' }));
        });
        // A fresh stream per attempt; backpressure keeps memory flat whatever the file's size.
        const file = (0,external_node_fs_.createReadStream)(filePath);
        file.on('error', (error) => {
            finish({
                ok: false,
                kind: 'file',
                error: new Error(`Could not read the source archive: ${error.message}`)
            });
            req.destroy();
        });
        file.pipe(req);
    });
}
function toError(result, attempts) {
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    if (result.kind === 'network') {
        return new HerokuNetworkError('PUT', WHERE, result.code, `${result.code}: ${result.message}${tries}`);
    }
    const hint = result.status === 403
        ? 'the upload URL was refused: it may have expired (upload right after POST /sources) or the request was altered'
        : undefined;
    return new HerokuApiError(result.status, result.code, result.message, result.requestId, 'PUT', WHERE, hint);
}
function safeMessage(message, url) {
    if (!message || message.includes(url.host) || /signature=|x-amz-/i.test(message))
        return undefined;
    return message;
}
function xmlTag(body, tag) {
    const match = new RegExp(`<${tag}>([^<]{1,300})</${tag}>`).exec(body);
    return match?.[1];
}
function headerText(value) {
    return Array.isArray(value) ? value[0] : value;
}

;// CONCATENATED MODULE: ./src/heroku/api.ts
/**
 * Typed Platform API calls, one method per endpoint the action uses (reference §1–§8). Requests
 * that create or change something go through `HerokuClient.create`, each with the check that
 * tells whether an attempt whose answer was lost did arrive.
 */


/** Runner and Heroku clocks differ; a build created this long before `since` still counts. */
const CLOCK_SKEW_MS = 2 * 60 * 1000;
/** How many of the newest releases are looked through for the current one. */
const CURRENT_RELEASE_WINDOW = 10;
const api_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
class HerokuApi {
    client;
    constructor(client) {
        this.client = client;
    }
    // Apps, dynos, config vars
    getApp(idOrName) {
        return this.client.get(`/apps/${seg(idOrName)}`);
    }
    listDynos(app) {
        return this.client.getList(`/apps/${seg(app)}/dynos`, { all: true });
    }
    getConfigVars(app) {
        return this.client.get(`/apps/${seg(app)}/config-vars`);
    }
    /** Sets (or, with null, deletes) the given keys; returns the full resulting config. */
    setConfigVars(app, vars) {
        return this.client.create('PATCH', `/apps/${seg(app)}/config-vars`, vars, async () => {
            const current = await this.getConfigVars(app);
            const applied = Object.entries(vars).every(([key, value]) => value === null ? !(key in current) : current[key] === value);
            return applied ? current : undefined;
        });
    }
    // Sources and builds
    /** A new upload slot. Creating a spare one is harmless, so this is retried like a GET. */
    createSource() {
        return this.client.post('/sources', { idempotent: true });
    }
    /** Streams the file at `filePath` to the source's `put_url`, retrying 5xx and lost connections. */
    uploadSource(putUrl, filePath, sizeBytes) {
        return uploadFile(putUrl, filePath, sizeBytes, {
            retry: this.client.retryPolicy,
            log: (msg) => this.client.log(msg),
            // A large upload may be slow but is never silent for long (default 60 s).
            idleTimeoutMs: 2 * this.client.requestTimeoutMs
        });
    }
    /**
     * Starts a build. `since` is a time taken just before the call: after a lost answer, a build
     * of the same source created since then is the one this call made.
     */
    createBuild(app, body, since) {
        return this.client.create('POST', `/apps/${seg(app)}/builds`, body, async () => {
            const builds = await this.listBuilds(app, 10);
            return builds.find((build) => isSameBuild(build, body, since));
        });
    }
    getBuild(app, buildId) {
        return this.client.get(`/apps/${seg(app)}/builds/${seg(buildId)}`);
    }
    /** The newest `max` builds, newest first. */
    async listBuilds(app, max = 10) {
        const builds = await this.client.getList(`/apps/${seg(app)}/builds`, {
            range: `created_at ..; max=${max}, order=desc`
        });
        // The order is not promised for this range key: sort here.
        return builds.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
    }
    // Releases and slugs
    /** The newest `max` releases, newest first. */
    async listReleases(app, max = 10) {
        const releases = await this.client.getList(`/apps/${seg(app)}/releases`, {
            range: `version ..; max=${max}, order=desc`
        });
        return releases.sort((a, b) => b.version - a.version);
    }
    /** The release marked `current`; failing that, the newest succeeded one. */
    async currentRelease(app) {
        return pickCurrentRelease(await this.listReleases(app, CURRENT_RELEASE_WINDOW));
    }
    /** By UUID or version (`42` or `v42`). */
    getRelease(app, idOrVersion) {
        const ref = typeof idOrVersion === 'number' ? String(idOrVersion) : idOrVersion.replace(/^v(?=\d+$)/i, '');
        return this.client.get(`/apps/${seg(app)}/releases/${seg(ref)}`);
    }
    getSlug(app, slugId) {
        return this.client.get(`/apps/${seg(app)}/slugs/${seg(slugId)}`);
    }
    /**
     * Rolls `app` back to the release with UUID `releaseId`; returns the new release this creates.
     * After a lost answer, a release newer than the one current at the start and carrying the
     * target's slug is the one this call made.
     */
    async rollback(app, releaseId) {
        const target = await this.getRelease(app, releaseId);
        const before = await this.currentRelease(app);
        const newestBefore = before?.version ?? 0;
        return this.client.create('POST', `/apps/${seg(app)}/releases`, { release: target.id }, async () => {
            const releases = await this.listReleases(app, 10);
            return releases.find((r) => r.version > newestBefore && sameArtifact(r, target));
        });
    }
    // Pipelines and couplings
    getPipeline(idOrName) {
        return this.client.get(`/pipelines/${seg(idOrName)}`);
    }
    /** Every coupling of the pipeline (given by UUID or name; the endpoint takes only the UUID). */
    async listCouplings(pipeline) {
        const id = await this.pipelineId(pipeline);
        return this.client.getList(`/pipelines/${id}/pipeline-couplings`, {
            all: true
        });
    }
    /** The app's coupling, or undefined if the app is in no pipeline. */
    getAppCoupling(app) {
        return orUndefinedOn404(this.client.get(`/apps/${seg(app)}/pipeline-couplings`));
    }
    // Promotions
    /**
     * Promotes exactly `releaseId` of the source app. There is no list of promotions to look in:
     * the caller's `findExisting` decides from the targets' releases whether a lost attempt arrived.
     */
    createPromotion(promotion, findExisting) {
        const body = {
            pipeline: { id: promotion.pipelineId },
            source: { app: { id: promotion.sourceAppId }, release: { id: promotion.releaseId } },
            targets: promotion.targetAppIds.map((id) => ({ app: { id } }))
        };
        // The targets' releases appear a moment after Heroku accepts the promotion.
        return this.client.create('POST', '/pipeline-promotions', body, findExisting, { delayedEffect: true });
    }
    getPromotion(promotionId) {
        return this.client.get(`/pipeline-promotions/${seg(promotionId)}`);
    }
    listPromotionTargets(promotionId) {
        return this.client.getList(`/pipeline-promotions/${seg(promotionId)}/promotion-targets`, {
            all: true
        });
    }
    // Review apps
    /** `findExisting` is the caller's: usually the pipeline's review app for the same PR/branch. */
    createReviewApp(body, findExisting) {
        return this.client.create('POST', '/review-apps', body, findExisting);
    }
    getReviewApp(reviewAppId) {
        return this.client.get(`/review-apps/${seg(reviewAppId)}`);
    }
    /** Deletes it; undefined if it was already gone (a repeated delete lands here too). */
    deleteReviewApp(reviewAppId) {
        return orUndefinedOn404(this.client.delete(`/review-apps/${seg(reviewAppId)}`, { idempotent: true }));
    }
    /** The pipeline's review apps (pipeline given by UUID or name). */
    async listReviewApps(pipeline) {
        const id = await this.pipelineId(pipeline);
        return this.client.getList(`/pipelines/${id}/review-apps`, { all: true });
    }
    /** The review app that owns `app`, or undefined if it is not a review app. */
    getAppReviewApp(app) {
        return orUndefinedOn404(this.client.get(`/apps/${seg(app)}/review-app`));
    }
    async pipelineId(idOrName) {
        if (api_UUID.test(idOrName))
            return idOrName;
        return (await this.getPipeline(idOrName)).id;
    }
}
/** The release marked `current`; failing that, the newest succeeded one (list newest first). */
function pickCurrentRelease(newestFirst) {
    return newestFirst.find((r) => r.current) ?? newestFirst.find((r) => r.status === 'succeeded');
}
function isUuid(value) {
    return api_UUID.test(value);
}
function seg(value) {
    return encodeURIComponent(value);
}
async function orUndefinedOn404(request) {
    try {
        return await request;
    }
    catch (err) {
        if (err instanceof HerokuApiError && err.status === 404)
            return undefined;
        throw err;
    }
}
function isSameBuild(build, body, since) {
    // The source URL is unique per upload: an exact match needs no time window.
    if (build.source_blob.url && build.source_blob.url === body.source_blob.url)
        return true;
    const version = body.source_blob.version;
    if (version === undefined || version === null || build.source_blob.version !== version)
        return false;
    return Date.parse(build.created_at) >= since.getTime() - CLOCK_SKEW_MS;
}
/** Same slug (Cedar), or the same artifacts (Fir). */
function sameArtifact(a, b) {
    if (a.slug?.id && b.slug?.id)
        return a.slug.id === b.slug.id;
    const ids = (r) => (r.artifacts ?? [])
        .map((x) => `${x.type}:${x.id}`)
        .sort()
        .join(',');
    return ids(a) !== '' && ids(a) === ids(b);
}

// EXTERNAL MODULE: ./node_modules/@actions/github/lib/github.js + 22 modules
var github = __webpack_require__(2413);
;// CONCATENATED MODULE: ./src/github/client.ts
/**
 * The GitHub seam: the few REST/GraphQL calls the action makes (PR comments, Deployments,
 * commit → PR lookup, compare, pull state). Reporting takes a `GitHubApi`, so tests hand in a
 * fake or point `createGitHubApi` at a loopback server. Errors are thrown as they come; the
 * reporter turns them into warnings that name the missing permission.
 */

/** GitHub's compare answers with at most 250 commits without pagination; we keep that cap. */
const compareCap = 250;
/** A commit rarely belongs to more PRs worth commenting on than this. */
const maxPullsPerCommit = 5;
/** Default limit for one GitHub request: reporting must never hold up (or hang) a deploy. */
const defaultGitHubTimeoutMs = 20000;
function createGitHubApi(token, target, opts = {}) {
    const octokit = (0,github/* getOctokit */.Q)(token, { baseUrl: target.apiUrl.replace(/\/+$/, '') });
    const timeoutMs = opts.timeoutMs ?? defaultGitHubTimeoutMs;
    // Every request (pages and GraphQL included) gets a deadline; the default fetch (with the
    // runner's proxy settings) is kept.
    octokit.hook.before('request', (options) => {
        options.request = { ...options.request, signal: AbortSignal.timeout(timeoutMs) };
    });
    const repo = { owner: target.owner, repo: target.repo };
    return {
        async listIssueComments(prNumber) {
            const comments = await octokit.paginate(octokit.rest.issues.listComments, {
                ...repo,
                issue_number: prNumber,
                per_page: 100
            });
            return comments.map((c) => ({ id: c.id, body: c.body ?? '', author: c.user?.login }));
        },
        async createComment(prNumber, body) {
            const res = await octokit.rest.issues.createComment({ ...repo, issue_number: prNumber, body });
            return res.data.id;
        },
        async updateComment(commentId, body) {
            await octokit.rest.issues.updateComment({ ...repo, comment_id: commentId, body });
        },
        async viewerLogin() {
            const res = await octokit.graphql('query { viewer { login } }');
            return res.viewer.login;
        },
        async createDeployment(params) {
            const res = await octokit.rest.repos.createDeployment({
                ...repo,
                ref: params.ref,
                environment: params.environment,
                description: params.description,
                auto_merge: false,
                required_contexts: [],
                transient_environment: params.transient,
                production_environment: params.production,
                payload: params.payload ?? {}
            });
            // 202 means GitHub merged the default branch instead of creating a deployment; with
            // auto_merge off it should not happen, but then there is no id to use.
            if (!('id' in res.data)) {
                throw new Error(`GitHub created no deployment: ${res.data.message ?? `status ${res.status}`}`);
            }
            return res.data.id;
        },
        async createDeploymentStatus(deploymentId, params) {
            await octokit.rest.repos.createDeploymentStatus({
                ...repo,
                deployment_id: deploymentId,
                state: params.state,
                environment_url: params.environmentUrl,
                log_url: params.logUrl,
                description: params.description
            });
        },
        async listDeployments(environment) {
            const res = await octokit.rest.repos.listDeployments({ ...repo, environment, per_page: 30 });
            return res.data.map((d) => d.id);
        },
        async pullsForCommit(sha) {
            const res = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
                ...repo,
                commit_sha: sha,
                per_page: 100
            });
            return res.data
                .filter((p) => p.state === 'open' || (p.merged_at && p.merge_commit_sha === sha))
                .map((p) => p.number)
                .slice(0, maxPullsPerCommit);
        },
        async compare(base, head) {
            const res = await octokit.rest.repos.compareCommitsWithBasehead({
                ...repo,
                basehead: `${base}...${head}`
            });
            return res.data.commits.slice(0, compareCap).map((c) => ({
                sha: c.sha,
                message: c.commit.message,
                author: c.author?.login ?? c.commit.author?.name ?? undefined,
                url: c.html_url
            }));
        },
        async getPull(prNumber) {
            const res = await octokit.rest.pulls.get({ ...repo, pull_number: prNumber });
            return { state: res.data.state === 'open' ? 'open' : 'closed', merged: res.data.merged };
        }
    };
}
/**
 * The HTTP status of an Octokit error, if GitHub answered. Octokit reports a request that got no
 * answer (timeout, connection refused) as status 500 without a response: that is undefined here.
 */
function githubErrorStatus(err) {
    if (githubNoAnswer(err))
        return undefined;
    if (typeof err === 'object' && err !== null && 'status' in err) {
        if (typeof err.status === 'number')
            return err.status;
    }
    return undefined;
}
/** Whether an Octokit error means GitHub gave no answer at all (timeout, connection failure). */
function githubNoAnswer(err) {
    if (typeof err !== 'object' || err === null || !('status' in err) || err.status !== 500) {
        return false;
    }
    const answered = 'response' in err && err.response !== undefined && err.response !== null;
    if (answered)
        return false;
    return 'request' in err || (err instanceof Error && /abort|timeout/i.test(err.name));
}

;// CONCATENATED MODULE: ./src/report/escape.ts
/**
 * Escaping for everything the reports show that a user or Heroku supplied (app and branch
 * names, commit messages, error texts, log lines). The summary and the comment are HTML, so
 * one escape serves text and attribute values alike.
 */
const entities = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;'
};
function escapeHtml(text) {
    return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}
/** Terminal colour codes and other control characters (tabs and newlines stay). */
const ansiPattern = 
// eslint-disable-next-line no-control-regex
/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[@-_]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
function stripControl(text) {
    return text.replace(/\r\n?/g, '\n').replace(ansiPattern, '');
}
/** One line of at most `max` characters: newlines and runs of spaces folded, an ellipsis when cut. */
function oneLine(text, max) {
    const flat = stripControl(text).replace(/\s+/g, ' ').trim();
    return flat.length > max ? `${flat.slice(0, Math.max(0, max - 1))}…` : flat;
}
/** The URL if it is an absolute http(s) URL, else undefined (no `javascript:` links). */
function safeUrl(url) {
    if (!url)
        return undefined;
    try {
        const parsed = new URL(url);
        return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
    }
    catch {
        return undefined;
    }
}
/** `<a href>` with escaped text and URL; plain escaped text when the URL is not safe. */
function escape_link(text, url) {
    const href = safeUrl(url);
    const label = escapeHtml(text);
    return href ? `<a href="${escapeHtml(href)}">${label}</a>` : label;
}

;// CONCATENATED MODULE: ./src/report/outputs.ts
/**
 * The action's outputs, derived from the one final Outcome. A success status is only ever
 * reported when nothing in the Outcome contradicts it (a failed gate, a rollback, an error).
 */

const successStatuses = new Set([
    'deployed',
    'promoted',
    'review-app-ready',
    'rolled-back'
]);
/** Every app the run acted on: the source/app first, then the targets. */
function appsOf(outcome) {
    return outcome.app ? [outcome.app, ...outcome.targets] : [...outcome.targets];
}
/** Did this app's (newest) gate fail? For a rollback command the gate is the restored release's. */
function gateFailed(app) {
    return app.health !== undefined && app.health.checked && !app.health.passed;
}
/**
 * The status the reports show: the Outcome's, unless it claims success while a gate failed,
 * an app was rolled back (outside the rollback command) or an error was recorded.
 */
function effectiveStatus(outcome) {
    const status = outcome.status;
    if (!successStatuses.has(status))
        return status;
    const apps = appsOf(outcome);
    const contradicted = outcome.error !== undefined ||
        apps.some((a) => gateFailed(a) || a.error !== undefined) ||
        (status !== 'rolled-back' && apps.some((a) => a.rolledBack));
    return contradicted ? 'failed' : status;
}
/** Did the new release on this app pass (or need no) gate and stay? */
function appHealthy(app) {
    if (!app.release || app.error !== undefined)
        return false;
    return app.health?.checked ? app.health.passed : true;
}
const outputNames = (/* unused pure expression or super */ null && ([
    'status',
    'app',
    'app-url',
    'build-id',
    'release-id',
    'release-version',
    'slug-id',
    'promotion-id',
    'promoted-apps',
    'rolled-back',
    'review-app-id',
    'review-app-url'
]));
function outputsFor(outcome) {
    const status = effectiveStatus(outcome);
    const app = outcome.app;
    const release = app?.release;
    const promotedApps = outcome.targets.map((t) => ({
        app: t.app,
        release_version: t.release?.version ?? null,
        healthy: appHealthy(t),
        rolled_back: t.rolledBack
    }));
    const reviewApp = outcome.command === 'review-app' ? outcome.reviewApp : undefined;
    return {
        status: status === 'cancelled' ? 'failed' : status,
        app: app?.app ?? '',
        'app-url': app?.webUrl ?? '',
        'build-id': app?.buildId ?? '',
        'release-id': release?.id ?? '',
        'release-version': release ? String(release.version) : '',
        'slug-id': release?.slugId ?? '',
        'promotion-id': outcome.promotionId ?? '',
        'promoted-apps': JSON.stringify(promotedApps),
        'rolled-back': String(appsOf(outcome).some((a) => a.rolledBack)),
        'review-app-id': reviewApp?.id ?? '',
        'review-app-url': reviewApp ? (app?.webUrl ?? '') : ''
    };
}
function setOutputs(outcome, setOutput = core.setOutput) {
    for (const [name, value] of Object.entries(outputsFor(outcome)))
        setOutput(name, value);
}

;// CONCATENATED MODULE: ./src/report/format.ts


const commandLabels = {
    deploy: 'Deploy',
    promote: 'Promotion',
    'review-app': 'Review app',
    rollback: 'Rollback',
    'review-app-sweep': 'Review-app sweep'
};
const statusLabels = {
    deployed: 'deployed',
    promoted: 'promoted',
    'review-app-ready': 'review app ready',
    'review-app-deleted': 'review app deleted',
    'rolled-back': 'rolled back',
    planned: 'planned (dry run)',
    skipped: 'skipped',
    failed: 'failed',
    cancelled: 'cancelled'
};
const statusIcons = {
    deployed: '✅',
    promoted: '✅',
    'review-app-ready': '✅',
    'review-app-deleted': '🗑️',
    'rolled-back': '↩️',
    planned: '📝',
    skipped: '⏭️',
    failed: '❌',
    cancelled: '⛔'
};
const phaseLabels = {
    resolve: 'Resolve',
    'config-vars': 'Config vars',
    package: 'Package',
    upload: 'Upload',
    build: 'Build',
    'release-phase': 'Release phase',
    'dynos-up': 'Dynos up',
    health: 'Health',
    promotion: 'Promotion',
    rollback: 'Rollback',
    'review-app': 'Review app',
    sweep: 'Sweep'
};
/** Plain text: `850 ms`, `12.3 s`, `3 min 05 s`. */
function formatDuration(ms) {
    if (!Number.isFinite(ms) || ms < 0)
        return '—';
    if (ms < 1000)
        return `${Math.round(ms)} ms`;
    if (ms < 60_000)
        return `${(ms / 1000).toFixed(1)} s`;
    const totalSeconds = Math.round(ms / 1000);
    const hours = Math.floor(totalSeconds / 3600);
    const minutes = Math.floor((totalSeconds % 3600) / 60);
    const seconds = String(totalSeconds % 60).padStart(2, '0');
    return hours > 0
        ? `${hours} h ${String(minutes).padStart(2, '0')} min`
        : `${minutes} min ${seconds} s`;
}
/** Plain text duration between two optional timestamps. */
function durationText(startedAt, endedAt) {
    return startedAt !== undefined && endedAt !== undefined
        ? formatDuration(endedAt - startedAt)
        : '—';
}
/** Nearest-rank percentile of the probes' latencies. */
function percentile(values, p) {
    if (values.length === 0)
        return undefined;
    const sorted = [...values].sort((a, b) => a - b);
    const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
    return sorted[rank - 1];
}
function latencyText(probes) {
    const latencies = probes.map((p) => p.latencyMs);
    const p50 = percentile(latencies, 50);
    const p95 = percentile(latencies, 95);
    if (p50 === undefined || p95 === undefined)
        return '';
    return ` · p50 ${formatDuration(p50)} · p95 ${formatDuration(p95)}`;
}
/** HTML: `passed · 3 probes · p50 … · p95 …`, or why it failed / was not checked. */
function healthHtml(health) {
    if (!health)
        return '—';
    if (!health.checked) {
        return health.reason
            ? `not checked: ${escapeHtml(oneLine(health.reason, 200))}`
            : 'no health check';
    }
    const count = `${health.probes.length} probe${health.probes.length === 1 ? '' : 's'}`;
    const verdict = health.passed ? '✅ passed' : '❌ failed';
    const reason = !health.passed && health.reason ? ` · ${escapeHtml(oneLine(health.reason, 200))}` : '';
    return `${verdict} · ${count}${latencyText(health.probes)}${reason}`;
}
/** Plain text: `v42`. */
function versionText(release) {
    return release ? `v${release.version}` : '—';
}
const shaPattern = /^[0-9a-f]{7,40}$/i;
function isSha(value) {
    return value !== undefined && shaPattern.test(value);
}
function repoUrl(ctx) {
    if (!ctx.repository)
        return undefined;
    return `${ctx.serverUrl.replace(/\/+$/, '')}/${ctx.repository.owner}/${ctx.repository.repo}`;
}
function runUrl(ctx) {
    const repo = repoUrl(ctx);
    return repo && ctx.runId ? `${repo}/actions/runs/${ctx.runId}` : undefined;
}
function commitUrl(ctx, sha) {
    const repo = repoUrl(ctx);
    return repo && isSha(sha) ? `${repo}/commit/${sha}` : undefined;
}
/** HTML: the commit, linked to GitHub when it is a SHA and the repository is known. */
function commitHtml(ctx, commit) {
    if (!commit)
        return '—';
    if (!isSha(commit))
        return `<code>${escapeHtml(oneLine(commit, 60))}</code>`;
    return `<code>${escape_link(commit.slice(0, 7), commitUrl(ctx, commit))}</code>`;
}
/** HTML: the app's name linked to its web URL. */
function appHtml(app) {
    return escape_link(app.app, app.webUrl);
}
/** HTML: whether and how the app was rolled back. */
function rolledBackHtml(app) {
    if (!app.rolledBack)
        return 'no';
    const to = app.before ? ` to ${versionText(app.before)}` : '';
    if (app.healthyAfterRollback === true)
        return `↩️ yes${to}, healthy again`;
    if (app.healthyAfterRollback === false)
        return `↩️ yes${to}, still unhealthy`;
    return `↩️ yes${to}`;
}
/**
 * HTML: what is live on the app now, as far as the Outcome knows. A rollback restores the
 * release from before the run; without either we say so rather than guess.
 */
function liveNowHtml(app) {
    const live = app.liveAfter ?? (app.rolledBack ? app.before : undefined);
    if (live) {
        const health = app.rolledBack && app.healthyAfterRollback !== undefined
            ? app.healthyAfterRollback
                ? ' (healthy again)'
                : ' (still unhealthy)'
            : '';
        return `${versionText(live)}${health}`;
    }
    const before = app.before ? `; before this run: ${versionText(app.before)}` : '';
    const created = app.release ? `; this run created ${versionText(app.release)}` : '';
    return `unknown${before}${created}`;
}
/** The phase still open at the end of the Outcome, or the last one. */
function currentPhase(outcome) {
    const open = [...outcome.phases].reverse().find((p) => p.endedAt === undefined);
    return (open ?? outcome.phases[outcome.phases.length - 1])?.name;
}
/** HTML: a collapsed table of the app's last probes (status, latency, why, body excerpt). */
function gateDetails(app, maxProbes) {
    const probes = app.health?.probes ?? [];
    const shown = probes.slice(-maxProbes);
    const url = app.health?.url ? ` at <code>${escapeHtml(oneLine(app.health.url, 300))}</code>` : '';
    const header = '<tr><th>#</th><th>Status</th><th>Latency</th><th>Result</th><th>Body</th></tr>';
    const first = probes.length - shown.length;
    const rows = shown.map((p, i) => {
        const cells = [
            String(first + i + 1),
            p.status !== undefined ? String(p.status) : '—',
            formatDuration(p.latencyMs),
            p.ok ? 'ok' : escapeHtml(oneLine(p.error ?? 'failed', 200)),
            p.bodyExcerpt ? `<code>${escapeHtml(oneLine(p.bodyExcerpt, 300))}</code>` : ''
        ];
        return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    });
    const label = `Health probes of ${escapeHtml(app.app)}${url} (last ${shown.length} of ${probes.length})`;
    return `<details><summary>${label}</summary><table>${header}${rows.join('')}</table></details>`;
}
/** The cause in one sentence: the recorded error, else the first failed gate. */
function causeText(outcome) {
    if (outcome.error)
        return oneLine(outcome.error, 1000);
    const failed = appsOf(outcome).find((a) => gateFailed(a) || a.error !== undefined);
    if (!failed)
        return undefined;
    if (failed.error)
        return oneLine(`${failed.app}: ${failed.error}`, 1000);
    const version = failed.release ? ` ${versionText(failed.release)}` : '';
    const reason = failed.health?.reason ? `: ${failed.health.reason}` : '.';
    return oneLine(`${failed.app}${version} failed its health check${reason}`, 1000);
}

;// CONCATENATED MODULE: ./src/report/comment.ts



/** GitHub rejects comment bodies of 65,536 characters or more. */
const commentLimit = 65_536;
const maxAppsInComment = 20;
/** Who comments when GraphQL `viewer` cannot be read: the default GITHUB_TOKEN's identity. */
const defaultBotLogin = 'github-actions[bot]';
/**
 * The purpose of a comment: `review-app` for a PR's review app, `<command>:<app>` otherwise, so
 * a deploy to staging and a promotion each keep their own comment.
 */
function commentPurpose(command, app) {
    if (command === 'review-app')
        return 'review-app';
    return app ? `${command}:${app}` : command;
}
/** The hidden marker; the purpose is reduced to characters that cannot end an HTML comment. */
function commentMarker(purpose) {
    const safe = purpose.replace(/[^A-Za-z0-9._:-]/g, '_').replace(/-(?=-)/g, '-_');
    return `<!-- heroku-pipeline-action:${safe} -->`;
}
function renderComment(outcome, ctx, purpose, phase = outcome.endedAt === undefined ? 'in-progress' : 'final') {
    const marker = commentMarker(purpose);
    const status = effectiveStatus(outcome);
    const label = commandLabels[outcome.command];
    const apps = appsOf(outcome);
    const single = apps.length === 1 ? apps[0] : undefined;
    const running = currentPhase(outcome);
    const title = phase === 'in-progress'
        ? `⏳ ${label} in progress${running ? `: ${phaseLabels[running]}` : ''}`
        : `${statusIcons[status]} ${label}: ${statusLabels[status]}`;
    const rows = [];
    rows.push(['Status', phase === 'in-progress' ? 'in progress' : escapeHtml(statusLabels[status])]);
    if (outcome.pipeline)
        rows.push(['Pipeline', escapeHtml(outcome.pipeline.name)]);
    if (outcome.reviewApp)
        rows.push(['PR branch', `<code>${escapeHtml(oneLine(outcome.reviewApp.branch, 200))}</code>`]);
    if (single) {
        rows.push(['App', appHtml(single)]);
        if (single.release)
            rows.push(['Release', versionText(single.release)]);
    }
    const commit = apps.find((a) => a.release?.commit)?.release?.commit ?? ctx.pullRequest?.headSha ?? ctx.sha;
    rows.push(['Commit', commitHtml(ctx, commit)]);
    if (single?.health)
        rows.push(['Health', healthHtml(single.health)]);
    if (single?.rolledBack)
        rows.push(['Rolled back', rolledBackHtml(single)]);
    if (phase === 'final' && (status === 'failed' || status === 'cancelled')) {
        const cause = causeText(outcome);
        if (cause)
            rows.push(['Cause', escapeHtml(oneLine(cause, 500))]);
        if (apps.length > 0) {
            const live = apps
                .slice(0, maxAppsInComment)
                .map((a) => `${escapeHtml(a.app)}: ${liveNowHtml(a)}`);
            rows.push(['Live now', live.join('<br>')]);
        }
    }
    const run = runUrl(ctx);
    if (run)
        rows.push(['Run', escape_link(`#${ctx.runId}`, run)]);
    const table = `<table>${rows.map(([k, v]) => `<tr><td><strong>${k}</strong></td><td>${v}</td></tr>`).join('')}</table>`;
    const parts = [`<h3>${title}</h3>`, table];
    if (!single && apps.length > 1)
        parts.push(appsTable(outcome));
    if (outcome.dryRun)
        parts.push('<p><em>Dry run: nothing was changed.</em></p>');
    const body = `${parts.join('\n\n')}\n\n${marker}\n`;
    if (body.length < commentLimit)
        return body;
    // Cannot happen with the caps above; keep the comment valid if it ever does.
    return `<h3>${title}</h3>\n\n${run ? escape_link('See the workflow run', run) : ''}\n\n${marker}\n`;
}
function appsTable(outcome) {
    const apps = appsOf(outcome);
    const header = '<tr><th>App</th><th>Release</th><th>Health</th><th>Rolled back</th></tr>';
    const rows = apps
        .slice(0, maxAppsInComment)
        .map((a) => `<tr><td>${appHtml(a)}</td><td>${versionText(a.release)}</td><td>${healthHtml(a.health)}</td><td>${rolledBackHtml(a)}</td></tr>`);
    const more = apps.length > maxAppsInComment
        ? `<p>… and ${apps.length - maxAppsInComment} more apps.</p>`
        : '';
    return `<table>${header}${rows.join('')}</table>${more}`;
}
/** `github-actions[bot]` and `github-actions` are the same identity. */
function sameLogin(a, b) {
    if (!a || !b)
        return false;
    const norm = (s) => s.toLowerCase().replace(/\[bot\]$/, '');
    return norm(a) === norm(b);
}
/** The token's login; the default GITHUB_TOKEN's bot identity when GraphQL will not say. */
async function resolveViewerLogin(api) {
    try {
        const login = await api.viewerLogin();
        return login || defaultBotLogin;
    }
    catch {
        return defaultBotLogin;
    }
}
function normalizeBody(body) {
    return body.replace(/\r\n/g, '\n').trim();
}
/** Our earlier comment for this purpose: carries the marker and was written by us. */
function findOwnComment(comments, purpose, login) {
    const marker = commentMarker(purpose);
    return comments.find((c) => c.body.includes(marker) && sameLogin(c.author, login));
}
/**
 * Creates the PR's comment for `purpose`, or edits ours in place when its body differs.
 * `login` saves the viewer lookup when the caller already knows it. Errors propagate.
 */
async function upsertComment(api, prNumber, purpose, body, login) {
    const marker = commentMarker(purpose);
    const fullBody = body.includes(marker) ? body : `${body}\n\n${marker}\n`;
    const viewer = login ?? (await resolveViewerLogin(api));
    const existing = findOwnComment(await api.listIssueComments(prNumber), purpose, viewer);
    if (existing) {
        if (normalizeBody(existing.body) === normalizeBody(fullBody)) {
            return { action: 'unchanged', commentId: existing.id };
        }
        await api.updateComment(existing.id, fullBody);
        return { action: 'updated', commentId: existing.id };
    }
    return { action: 'created', commentId: await api.createComment(prNumber, fullBody) };
}

;// CONCATENATED MODULE: ./src/package/temp.ts
/**
 * The run's own temporary directory under RUNNER_TEMP (the tarball goes there). Its path is
 * saved for the post step, which removes it when a cancel or crash stopped the main step first.
 */


const TEMP_DIR_PREFIX = 'heroku-pipeline-action-';
async function makeRunTempDir(runnerTemp) {
    await (0,promises_.mkdir)(runnerTemp, { recursive: true });
    return (0,promises_.mkdtemp)(external_node_path_default().join(runnerTemp, TEMP_DIR_PREFIX));
}
/**
 * Removes a directory `makeRunTempDir` made. The path may come from saved state, so anything
 * that is not one of ours directly under `runnerTemp` is left alone. Returns whether it removed.
 */
async function removeRunTempDir(dir, runnerTemp) {
    const resolved = external_node_path_default().resolve(dir);
    const ours = external_node_path_default().dirname(resolved) === external_node_path_default().resolve(runnerTemp) &&
        external_node_path_default().basename(resolved).startsWith(TEMP_DIR_PREFIX);
    if (!ours)
        return false;
    await (0,promises_.rm)(resolved, { recursive: true, force: true });
    return true;
}

;// CONCATENATED MODULE: ./src/report/state.ts
/**
 * What the main step leaves for the post step (same bundle, `core.saveState`), so the post step
 * can finish the reports after a cancel or crash. Only names, ids, versions and URLs the reports
 * show anyway: never a key, token, config-var value or signed URL.
 */

const StateKey = {
    /** Set by the main step; the post step sees it and knows it is the post step. */
    IsPost: 'isPost',
    Progress: 'progress'
};
function newProgress(command, dryRun, startedAt = Date.now()) {
    return {
        version: 1,
        command,
        dryRun,
        startedAt,
        phase: 'start',
        finished: false,
        prNumbers: [],
        comments: [],
        deployments: [],
        apps: []
    };
}
/** Called first thing by the main step; the post step then finds `isPost` set. */
function markMainStep() {
    core.saveState(StateKey.IsPost, 'true');
}
/** Same as `markMainStep` (the name main.ts uses). */
const markMainStarted = markMainStep;
function isPostStep() {
    return core.getState(StateKey.IsPost) === 'true';
}
function saveProgress(progress) {
    core.saveState(StateKey.Progress, JSON.stringify(progress));
}
/** The progress the main step saved, or undefined when there is none or it is unreadable. */
function loadProgress() {
    const raw = core.getState(StateKey.Progress);
    if (!raw)
        return undefined;
    try {
        const value = JSON.parse(raw);
        if (!isProgress(value))
            return undefined;
        return value;
    }
    catch {
        return undefined;
    }
}
function isProgress(value) {
    if (typeof value !== 'object' || value === null)
        return false;
    const p = value;
    return (p['version'] === 1 &&
        typeof p['command'] === 'string' &&
        typeof p['finished'] === 'boolean' &&
        typeof p['phase'] === 'string' &&
        Array.isArray(p['prNumbers']) &&
        Array.isArray(p['comments']) &&
        Array.isArray(p['deployments']) &&
        Array.isArray(p['apps']));
}

;// CONCATENATED MODULE: ./src/report/summary.ts
/**
 * The job summary: one HTML document rendered from the Outcome and written once. All of it is
 * HTML (no markdown), so escaped text stays text; every section is bounded, and the whole stays
 * under a budget far below GitHub's 1 MiB per step.
 */




const defaultSummaryLimits = {
    budgetBytes: 256 * 1024,
    logTailBytes: 64 * 1024,
    logTailLines: 300,
    commitsOpen: 10
};
const maxApps = 100;
const maxPhases = 200;
const maxSweepRows = 300;
const maxNotes = 50;
const maxPlanLines = 200;
const maxProbesShown = 10;
function bytes(text) {
    return Buffer.byteLength(text, 'utf8');
}
function renderSummary(outcome, ctx, limits = {}) {
    const lim = { ...defaultSummaryLimits, ...limits };
    const status = effectiveStatus(outcome);
    const apps = appsOf(outcome);
    const sections = [];
    const add = (html, essential = false) => {
        if (html)
            sections.push({ html, essential });
    };
    add(headingHtml(outcome, ctx), true);
    if (status === 'cancelled')
        add(cancelledHtml(outcome), true);
    if (status === 'failed' || status === 'cancelled')
        add(causeHtml(outcome), true);
    if (outcome.dryRun || outcome.plan)
        add(planHtml(outcome.plan ?? []), true);
    if (apps.length > 0)
        add(appsTableHtml(apps, ctx), true);
    if ((status === 'failed' || status === 'cancelled') && apps.length > 0)
        add(liveNowSectionHtml(apps), true);
    if (outcome.reviewApp)
        add(reviewAppHtml(outcome), true);
    if (outcome.sweep)
        add(sweepHtml(outcome.sweep));
    if (outcome.promotedCommits)
        add(commitsHtml(outcome.promotedCommits, ctx, lim.commitsOpen));
    if (outcome.phases.length > 0)
        add(timelineHtml(outcome));
    add(probesHtml(apps));
    if (outcome.logTail)
        add(logTailHtml(outcome.logTail, lim));
    if (outcome.notes.length > 0)
        add(notesHtml(outcome.notes));
    add(footerHtml(outcome, ctx), true);
    return fitToBudget(sections, lim.budgetBytes);
}
/** Keep the essential sections and as many others (in order) as fit; say what was left out. */
function fitToBudget(sections, budgetBytes) {
    const all = sections.map((s) => s.html).join('\n\n');
    if (bytes(all) <= budgetBytes)
        return `${all}\n`;
    const note = (dropped) => `<p><em>Summary truncated: ${dropped} section${dropped === 1 ? '' : 's'} left out to stay under ${Math.round(budgetBytes / 1024)} KiB. The step log has the details.</em></p>`;
    const reserve = bytes(note(sections.length)) + 2 * sections.length + 2;
    let used = sections.filter((s) => s.essential).reduce((n, s) => n + bytes(s.html) + 2, 0) + reserve;
    const kept = [];
    let dropped = 0;
    for (const s of sections) {
        if (s.essential) {
            kept.push(s.html);
            continue;
        }
        const size = bytes(s.html) + 2;
        if (used + size <= budgetBytes) {
            kept.push(s.html);
            used += size;
        }
        else {
            dropped++;
        }
    }
    kept.push(note(dropped));
    return `${kept.join('\n\n')}\n`;
}
function headingHtml(outcome, ctx) {
    const status = effectiveStatus(outcome);
    const title = `${statusIcons[status]} Heroku ${commandLabels[outcome.command]}: ${statusLabels[status]}`;
    const facts = [];
    if (outcome.pipeline)
        facts.push(`pipeline <strong>${escapeHtml(outcome.pipeline.name)}</strong>`);
    if (outcome.dryRun)
        facts.push('dry run: nothing was changed');
    if (outcome.endedAt !== undefined)
        facts.push(`took ${durationText(outcome.startedAt, outcome.endedAt)}`);
    const run = runUrl(ctx);
    if (run)
        facts.push(escape_link('workflow run', run));
    const factsHtml = facts.length > 0 ? `\n<p>${facts.join(' · ')}</p>` : '';
    return `<h2>${title}</h2>${factsHtml}`;
}
function cancelledHtml(outcome) {
    const phase = currentPhase(outcome);
    const during = phase ? ` during <strong>${escapeHtml(phaseLabels[phase])}</strong>` : '';
    return `<p><strong>The run was cancelled or crashed${during} before it finished.</strong> What is live now is listed below, as far as the run knew.</p>`;
}
function causeHtml(outcome) {
    const cause = causeText(outcome);
    return cause ? `<p><strong>Cause:</strong> ${escapeHtml(cause)}</p>` : undefined;
}
function planHtml(plan) {
    const shown = plan
        .slice(0, maxPlanLines)
        .map((line) => `<li>${escapeHtml(oneLine(line, 500))}</li>`);
    const more = plan.length > maxPlanLines ? `<li>… ${plan.length - maxPlanLines} more steps</li>` : '';
    const body = shown.length > 0 ? `<ol>${shown.join('')}${more}</ol>` : '<p>No steps.</p>';
    return `<h3>Plan</h3>\n${body}`;
}
function appsTableHtml(apps, ctx) {
    const header = '<tr><th>Stage</th><th>App</th><th>Release</th><th>Commit</th><th>Build</th><th>Health</th><th>Duration</th><th>Rolled back</th></tr>';
    const rows = apps.slice(0, maxApps).map((a) => {
        const was = a.before && a.release && a.before.id !== a.release.id ? ` (was ${versionText(a.before)})` : '';
        const build = a.buildId
            ? `<code title="${escapeHtml(a.buildId)}">${escapeHtml(a.buildId.slice(0, 8))}</code>${a.buildStatus ? ` ${escapeHtml(oneLine(a.buildStatus, 40))}` : ''}`
            : '—';
        const cells = [
            escapeHtml(a.stage),
            appHtml(a),
            `${versionText(a.release)}${was}`,
            commitHtml(ctx, a.release?.commit),
            build,
            healthHtml(a.health),
            durationText(a.startedAt, a.endedAt),
            rolledBackHtml(a)
        ];
        return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    });
    const more = apps.length > maxApps ? `\n<p>… and ${apps.length - maxApps} more apps.</p>` : '';
    return `<h3>Apps</h3>\n<table>${header}${rows.join('')}</table>${more}`;
}
function liveNowSectionHtml(apps) {
    const items = apps.slice(0, maxApps).map((a) => `<li>${appHtml(a)}: ${liveNowHtml(a)}</li>`);
    return `<h3>What is live now</h3>\n<ul>${items.join('')}</ul>`;
}
function reviewAppHtml(outcome) {
    const r = outcome.reviewApp;
    if (!r)
        return undefined;
    return `<p>Review app <code>${escapeHtml(r.id)}</code> for PR #${r.prNumber} (branch <code>${escapeHtml(oneLine(r.branch, 200))}</code>): ${escapeHtml(oneLine(r.status, 100))}</p>`;
}
function sweepHtml(entries) {
    const header = '<tr><th>Review app</th><th>PR</th><th>Branch</th><th>App</th><th>Action</th><th>Reason</th></tr>';
    const rows = entries.slice(0, maxSweepRows).map((e) => {
        const cells = [
            `<code>${escapeHtml(e.reviewAppId)}</code>`,
            e.prNumber !== undefined ? `#${e.prNumber}` : '—',
            `<code>${escapeHtml(oneLine(e.branch, 200))}</code>`,
            e.app ? escapeHtml(e.app) : '—',
            escapeHtml(e.action),
            escapeHtml(oneLine(e.reason, 300))
        ];
        return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    });
    const count = (action) => entries.filter((e) => e.action === action).length;
    const totals = `${count('deleted')} deleted, ${count('would-delete')} would be deleted, ${count('kept')} kept`;
    const more = entries.length > maxSweepRows ? `\n<p>… and ${entries.length - maxSweepRows} more.</p>` : '';
    return `<h3>Review apps swept</h3>\n<p>${totals}.</p>\n<table>${header}${rows.join('')}</table>${more}`;
}
function commitsHtml(commits, ctx, openLimit) {
    const items = commits.map((c) => {
        const firstLine = oneLine(c.message.split('\n')[0] ?? '', 200);
        const author = c.author ? ` — ${escapeHtml(oneLine(c.author, 100))}` : '';
        const sha = c.url ? `<code>${escape_link(c.sha.slice(0, 7), c.url)}</code>` : commitHtml(ctx, c.sha);
        return `<li>${sha} ${escapeHtml(firstLine)}${author}</li>`;
    });
    const title = `${commits.length} commit${commits.length === 1 ? '' : 's'} promoted`;
    if (commits.length === 0)
        return '<h3>Promoted commits</h3>\n<p>No new commits (the targets already had them).</p>';
    if (commits.length <= openLimit)
        return `<h3>Promoted commits</h3>\n<ul>${items.join('')}</ul>`;
    return `<h3>Promoted commits</h3>\n<details><summary>${title}</summary><ul>${items.join('')}</ul></details>`;
}
function timelineHtml(outcome) {
    const header = '<tr><th>Phase</th><th>For</th><th>Started</th><th>Duration</th><th>Result</th></tr>';
    const rows = outcome.phases.slice(0, maxPhases).map((p) => {
        const result = p.endedAt === undefined ? '⏳ unfinished' : p.ok === false ? '❌' : '✅';
        const cells = [
            escapeHtml(phaseLabels[p.name] ?? p.name),
            p.detail ? escapeHtml(oneLine(p.detail, 100)) : '',
            `+${formatDuration(p.startedAt - outcome.startedAt)}`,
            durationText(p.startedAt, p.endedAt),
            result
        ];
        return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    });
    return `<h3>Timeline</h3>\n<table>${header}${rows.join('')}</table>`;
}
/** The last failed probes of each app whose gate failed: status, error and a body excerpt. */
function probesHtml(apps) {
    const parts = apps
        .filter((a) => gateFailed(a) && (a.health?.probes.length ?? 0) > 0)
        .map((a) => gateDetails(a, maxProbesShown));
    return parts.length > 0 ? parts.join('\n') : undefined;
}
/** The end of a log, without colour codes, at most `lines` lines and `maxBytes` once escaped. */
function logTail(raw, maxBytes, lines) {
    // Escaping never shrinks text and a character is at least a byte: the last `maxBytes`
    // characters are all that can survive, so the rest is never looked at.
    let truncated = raw.length > maxBytes;
    let text = stripControl(truncated ? raw.slice(raw.length - maxBytes) : raw);
    const all = text.split('\n');
    if (all.length > lines) {
        text = all.slice(all.length - lines).join('\n');
        truncated = true;
    }
    while (bytes(escapeHtml(text)) > maxBytes) {
        const ratio = maxBytes / bytes(escapeHtml(text));
        text = text.slice(Math.ceil(text.length * (1 - ratio * 0.95)));
        truncated = true;
    }
    if (truncated) {
        // Start at a whole line when the cut left one.
        const newline = text.indexOf('\n');
        if (newline >= 0 && newline < text.length - 1)
            text = text.slice(newline + 1);
    }
    return { text, truncated };
}
function logTailHtml(raw, lim) {
    const { text, truncated } = logTail(raw, lim.logTailBytes, lim.logTailLines);
    const lineCount = text.split('\n').length;
    const label = truncated
        ? `Log (last ${lineCount} line${lineCount === 1 ? '' : 's'}, truncated)`
        : 'Log';
    // Blank lines around <pre> so that blank lines in the log cannot end the HTML block early.
    return `<details><summary>${label}</summary>\n\n<pre>\n${escapeHtml(text)}\n</pre>\n\n</details>`;
}
function notesHtml(notes) {
    const items = notes.slice(0, maxNotes).map((n) => `<li>${escapeHtml(oneLine(n, 500))}</li>`);
    const more = notes.length > maxNotes ? `<li>… ${notes.length - maxNotes} more notes</li>` : '';
    return `<h3>Notes</h3>\n<ul>${items.join('')}${more}</ul>`;
}
function footerHtml(outcome, ctx) {
    const parts = [];
    if (outcome.heroku) {
        const left = outcome.heroku.rateLimitRemaining !== undefined
            ? `${outcome.heroku.rateLimitRemaining}`
            : 'unknown';
        parts.push(`Heroku API: ${outcome.heroku.requests} requests, rate-limit budget left: ${left}.`);
    }
    const phase = currentPhase(outcome);
    if (outcome.status === 'cancelled' && phase)
        parts.push(`Last phase: ${escapeHtml(phaseLabels[phase])}.`);
    const run = runUrl(ctx);
    if (run)
        parts.push(`Commit ${commitHtml(ctx, ctx.sha)} · ${escape_link(`run ${ctx.runId}`, run)}`);
    return parts.length > 0 ? `<p><sub>${parts.join(' ')}</sub></p>` : '';
}
/** Writes the summary once (one append to GITHUB_STEP_SUMMARY). */
async function writeSummary(outcome, ctx, summary = core.summary) {
    await summary.addRaw(renderSummary(outcome, ctx)).write();
}

;// CONCATENATED MODULE: ./src/report/reporter.ts
/**
 * The one place the commands report to. It keeps the PR comment and the GitHub Deployments in
 * step with the run, writes the summary and the outputs once at the end, and saves progress for
 * the post step. Nothing here throws: a GitHub failure is a warning naming the permission the
 * workflow must grant, never the cause of a failed deploy.
 */










const permission = {
    comment: 'pull-requests: write',
    pullsRead: 'pull-requests: read',
    deployments: 'deployments: write',
    contents: 'contents: read'
};
/** GitHub caps a deployment status description at 140 characters. */
const maxDescription = 140;
/** The review apps' GitHub environment: the configured name, else `pr-<n>`. */
function reviewAppEnvironmentName(configured, prNumber) {
    return configured && configured.trim() !== '' ? configured : `pr-${prNumber}`;
}
/** A warning that says what failed, what GitHub answered and which permission it needs. */
function githubWarning(what, needed, err) {
    const status = githubErrorStatus(err);
    const answer = status !== undefined ? `GitHub answered ${status}` : 'the request failed';
    const hint = status === 401 || status === 403 || status === 404
        ? `The token probably lacks \`${needed}\`: grant it in the workflow's \`permissions:\`.`
        : `It needs \`${needed}\`; GitHub may also be having trouble.`;
    return `Could not ${what}: ${answer} (${oneLine(errorMessage(err), 200)}). ${hint} The deploy itself is not affected.`;
}
function savedRelease(r) {
    if (!r)
        return undefined;
    return r.commit
        ? { id: r.id, version: r.version, commit: r.commit }
        : { id: r.id, version: r.version };
}
function releaseFromSaved(r) {
    return r ? { id: r.id, version: r.version, slugId: undefined, commit: r.commit } : undefined;
}
function savedApps(outcome) {
    const one = (a, role) => ({
        role,
        app: a.app,
        stage: a.stage,
        webUrl: a.webUrl,
        before: savedRelease(a.before),
        release: savedRelease(a.release),
        liveAfter: savedRelease(a.liveAfter),
        rolledBack: a.rolledBack
    });
    return [
        ...(outcome.app ? [one(outcome.app, 'app')] : []),
        ...outcome.targets.map((t) => one(t, 'target'))
    ];
}
function truncateDescription(text) {
    return oneLine(text, maxDescription);
}
class Reporter {
    config;
    ctx;
    api;
    log;
    progressState;
    lastSaved = '';
    prNumbers = [];
    purpose;
    login;
    /** The comment id and body last sent, per PR: unchanged bodies are not sent again. */
    comments = new Map();
    commentsOff = false;
    deploymentsOff = false;
    githubDown = false;
    finished = false;
    warned = new Set();
    hasToken;
    constructor(config, ctx, api, log = core) {
        this.config = config;
        this.ctx = ctx;
        this.api = api;
        this.log = log;
        this.progressState = newProgress(config.command, config.dryRun);
        this.hasToken = config.hasGithubToken ?? api !== undefined;
        const wanted = config.prComment || config.githubDeployments;
        if ((!api || config.hasGithubToken === false) && wanted && !config.dryRun) {
            this.log.info('No github-token: no PR comment and no GitHub Deployments for this run.');
        }
    }
    /** The run began: find the PRs to comment on and say "in progress". */
    async start(outcome) {
        this.progressState.startedAt = outcome.startedAt;
        this.save(outcome);
        if (!this.commentingEnabled())
            return;
        this.prNumbers = await this.findPullRequests();
        this.progressState.prNumbers = this.prNumbers;
        this.save(outcome);
        await this.updateComments(outcome, 'in-progress');
    }
    /**
     * A deployment to `app` begins: record a GitHub Deployment with an `in_progress` status.
     * Returns its id (also set on `app.deploymentId`), or undefined when none was recorded.
     */
    async deploymentStarted(app, environment, transient, production) {
        const api = this.api;
        if (!api || !this.deploymentsEnabled())
            return undefined;
        let id;
        try {
            id = await api.createDeployment({
                ref: this.deploymentRef(app),
                environment,
                description: truncateDescription(`${this.config.command} ${app.app}`),
                transient,
                production,
                payload: { app: app.app }
            });
        }
        catch (err) {
            this.githubFailed(`record a GitHub deployment for ${app.app}`, permission.deployments, err, 'deployments');
            return undefined;
        }
        app.deploymentId = id;
        const saved = {
            id,
            app: app.app,
            environment,
            transient,
            webUrl: app.webUrl,
            state: 'created'
        };
        this.progressState.deployments.push(saved);
        this.saveProgressOnly();
        await this.setDeploymentState(saved, 'in_progress', app.webUrl, `Deploying ${app.app}`);
        return id;
    }
    /**
     * The app's release is live and passed its gate: its deployment becomes `success` now, so a
     * later cancel (e.g. during the promotion that follows) does not report it as failed.
     */
    async deploymentVerified(app) {
        const saved = this.progressState.deployments.find((d) => d.id === app.deploymentId);
        if (!saved || !appHealthy(app) || app.rolledBack)
            return;
        const health = app.health?.checked ? ' and healthy' : '';
        await this.setDeploymentState(saved, 'success', app.webUrl, `${versionText(app.release)} is live${health}`);
    }
    /** Something changed: save progress and refresh the comment (only when its body changed). */
    async progress(outcome) {
        this.save(outcome);
        await this.updateComments(outcome, 'in-progress');
    }
    /**
     * The run is over: final deployment statuses, the comment, the summary (once), the outputs,
     * and the mark that tells the post step there is nothing left to do. Runs once.
     */
    async finish(outcome) {
        if (this.finished)
            return;
        this.finished = true;
        outcome.endedAt ??= Date.now();
        this.save(outcome);
        await this.fillPromotedCommits(outcome);
        await this.finishDeployments(outcome);
        await this.updateComments(outcome, 'final');
        try {
            await writeSummary(outcome, this.ctx);
            this.progressState.summaryWritten = true;
        }
        catch (err) {
            this.log.warning(`Could not write the job summary: ${oneLine(errorMessage(err), 300)}`);
        }
        try {
            setOutputs(outcome);
        }
        catch (err) {
            this.log.warning(`Could not set the outputs: ${oneLine(errorMessage(err), 300)}`);
        }
        this.progressState.finished = true;
        this.save(outcome);
    }
    /** A phase began: save where the run is at once, for the post step after a cancel or crash. */
    phaseStarted(outcome) {
        if (!this.finished)
            this.save(outcome);
    }
    /** A temporary directory the post step removes if the main step cannot. */
    tempDirCreated(dir) {
        this.progressState.tempDirs = [...(this.progressState.tempDirs ?? []), dir];
        this.saveProgressOnly();
    }
    tempDirRemoved(dir) {
        this.progressState.tempDirs = (this.progressState.tempDirs ?? []).filter((d) => d !== dir);
        this.saveProgressOnly();
    }
    /**
     * For an `uncaughtExceptionMonitor`: remember that the main step crashed (synchronous). Only
     * the error's name is kept: its message may quote anything and the summary is not masked.
     */
    recordCrash(err) {
        this.progressState.crashed = err instanceof Error ? err.name : typeof err;
        this.saveProgressOnly();
    }
    /** For the interrupt handler: remember the signal for the post step (synchronous). */
    recordInterruption(signal) {
        this.progressState.interrupted = signal;
        this.saveProgressOnly();
    }
    /** Same as `recordInterruption`, for a handler that does not know the signal. */
    recordInterrupted(signal = 'SIGINT') {
        this.recordInterruption(signal);
    }
    // --- comments ---
    commentingEnabled() {
        return (this.config.prComment &&
            this.hasToken &&
            !this.config.dryRun &&
            this.api !== undefined &&
            !this.commentsOff &&
            !this.githubDown);
    }
    deploymentsEnabled() {
        return (this.config.githubDeployments &&
            this.hasToken &&
            !this.config.dryRun &&
            !this.deploymentsOff &&
            !this.githubDown);
    }
    async findPullRequests() {
        const pr = this.ctx.pullRequest;
        if (pr) {
            const fromFork = pr.headRepoFullName !== undefined &&
                pr.baseRepoFullName !== undefined &&
                pr.headRepoFullName !== pr.baseRepoFullName;
            if (fromFork && this.ctx.eventName === 'pull_request') {
                this.log.info(`PR #${pr.number} comes from a fork: its token is read-only, so no PR comment.`);
                return [];
            }
            return [pr.number];
        }
        if ((this.config.command !== 'deploy' && this.config.command !== 'promote') || !this.api)
            return [];
        if (!this.ctx.sha)
            return [];
        try {
            return await this.api.pullsForCommit(this.ctx.sha);
        }
        catch (err) {
            this.stopIfNoAnswer(err);
            this.warnOnce(githubWarning(`find the PRs of commit ${this.ctx.sha.slice(0, 7)}`, permission.pullsRead, err));
            return [];
        }
    }
    async updateComments(outcome, phase) {
        const api = this.api;
        if (!api || !this.commentingEnabled() || this.prNumbers.length === 0)
            return;
        this.purpose ??= commentPurpose(outcome.command, outcome.app?.app ?? this.config.app);
        if (this.progressState.purpose !== this.purpose) {
            this.progressState.purpose = this.purpose;
            this.saveProgressOnly();
        }
        const body = renderComment(outcome, this.ctx, this.purpose, phase);
        for (const pr of this.prNumbers) {
            if (this.commentsOff || this.githubDown)
                return;
            const known = this.comments.get(pr);
            if (known?.body === body)
                continue;
            try {
                const id = await this.writeComment(api, pr, body, known?.id);
                this.comments.set(pr, { id, body });
                this.rememberComment(pr, id);
            }
            catch (err) {
                this.githubFailed(`update the comment on PR #${pr}`, permission.comment, err, 'comments');
            }
        }
    }
    async writeComment(api, pr, body, knownId) {
        const purpose = this.purpose ?? commentPurpose(this.config.command, this.config.app);
        const login = async () => (this.login ??= await resolveViewerLogin(api));
        return postComment(api, pr, purpose, body, login, knownId);
    }
    rememberComment(pr, id) {
        const saved = this.progressState.comments;
        if (saved.some((c) => c.pr === pr && c.id === id))
            return;
        this.progressState.comments = [...saved.filter((c) => c.pr !== pr), { pr, id }];
        this.saveProgressOnly();
    }
    // --- deployments ---
    deploymentRef(app) {
        const commit = app.release?.commit;
        if (isSha(commit) && commit.length === 40)
            return commit;
        return this.ctx.pullRequest?.headSha || this.ctx.sha;
    }
    async setDeploymentState(deployment, state, environmentUrl, description) {
        const api = this.api;
        if (!api || this.deploymentsOff || this.githubDown)
            return;
        try {
            await api.createDeploymentStatus(deployment.id, {
                state,
                environmentUrl,
                logUrl: runUrl(this.ctx),
                description: truncateDescription(description)
            });
            deployment.state = state;
            this.saveProgressOnly();
        }
        catch (err) {
            this.githubFailed(`set the GitHub deployment of ${deployment.app} to ${state}`, permission.deployments, err, 'deployments');
        }
    }
    async finishDeployments(outcome) {
        // GitHub stopped answering earlier: the final statuses get one more try (else deployments
        // stay in_progress); a further request without answer stops it again.
        if (this.githubDown && this.progressState.deployments.length > 0)
            this.githubDown = false;
        const apps = appsOf(outcome);
        const status = effectiveStatus(outcome);
        for (const d of this.progressState.deployments) {
            const app = apps.find((a) => a.deploymentId === d.id) ?? apps.find((a) => a.app === d.app);
            let state;
            let description;
            if (d.transient && status === 'review-app-deleted') {
                state = 'inactive';
                description = 'Review app deleted';
            }
            else if (app && status !== 'cancelled' && appHealthy(app) && !app.rolledBack) {
                state = 'success';
                description = `${versionText(app.release)} is live${app.health?.checked ? ' and healthy' : ''}`;
                // Already set when the app was verified (deploymentVerified).
                if (d.state === 'success')
                    continue;
            }
            else {
                state = 'failure';
                const own = app ? causeText({ ...outcome, app, targets: [], error: app.error }) : undefined;
                description = own ?? causeText(outcome) ?? (status === 'cancelled' ? 'Cancelled' : 'Failed');
            }
            await this.setDeploymentState(d, state, app?.webUrl ?? d.webUrl, description);
        }
        await this.deactivateDeletedReviewApps(outcome);
    }
    /** Deleted review apps: their environments' deployments become `inactive` (shown destroyed). */
    async deactivateDeletedReviewApps(outcome) {
        const api = this.api;
        if (!api || !this.deploymentsEnabled())
            return;
        const environments = [];
        const prNumber = outcome.reviewApp?.prNumber ?? this.ctx.pullRequest?.number;
        if (outcome.status === 'review-app-deleted' && prNumber !== undefined) {
            environments.push(reviewAppEnvironmentName(this.config.reviewAppEnvironment, prNumber));
        }
        // A shared, configured environment name would deactivate other PRs' apps: only per-PR names.
        if (!this.config.reviewAppEnvironment) {
            for (const e of outcome.sweep ?? []) {
                if (e.action === 'deleted' && e.prNumber !== undefined)
                    environments.push(`pr-${e.prNumber}`);
            }
        }
        const handled = new Set(this.progressState.deployments.map((d) => d.id));
        for (const environment of [...new Set(environments)]) {
            if (this.deploymentsOff || this.githubDown)
                return;
            let ids;
            try {
                ids = await api.listDeployments(environment);
            }
            catch (err) {
                this.githubFailed(`list the GitHub deployments of ${environment}`, permission.deployments, err, 'deployments');
                continue;
            }
            for (const id of ids.filter((i) => !handled.has(i))) {
                const d = {
                    id,
                    app: environment,
                    environment,
                    transient: true,
                    state: 'unknown'
                };
                await this.setDeploymentState(d, 'inactive', undefined, 'Review app deleted');
            }
        }
    }
    // --- promoted commits ---
    /** For a promotion: the commits it carries (GitHub compare between the two slugs' commits). */
    async fillPromotedCommits(outcome) {
        const api = this.api;
        if (!api || this.githubDown)
            return;
        if (outcome.promotedCommits !== undefined || outcome.targets.length === 0)
            return;
        const head = outcome.app?.release?.commit;
        const base = outcome.targets.map((t) => t.before?.commit).find((c) => isSha(c));
        if (!isSha(head) || !isSha(base))
            return;
        if (head === base) {
            outcome.promotedCommits = [];
            return;
        }
        try {
            outcome.promotedCommits = await api.compare(base, head);
        }
        catch (err) {
            this.stopIfNoAnswer(err);
            this.warnOnce(githubWarning('list the commits this promotion carries', permission.contents, err));
        }
    }
    // --- state and warnings ---
    save(outcome) {
        const phase = currentPhase(outcome);
        if (phase && phase !== this.progressState.phase) {
            this.progressState.phase = phase;
            this.progressState.phaseStartedAt = [...outcome.phases]
                .reverse()
                .find((p) => p.name === phase)?.startedAt;
        }
        this.progressState.pipeline = outcome.pipeline?.name;
        this.progressState.apps = savedApps(outcome);
        this.saveProgressOnly();
    }
    saveProgressOnly() {
        const json = JSON.stringify(this.progressState);
        if (json === this.lastSaved)
            return;
        try {
            saveProgress(this.progressState);
            this.lastSaved = json;
        }
        catch (err) {
            this.warnOnce(`Could not save progress for the post step: ${oneLine(errorMessage(err), 200)}`);
        }
    }
    /** A GitHub failure: warn; after a refusal (401/403) stop trying that kind of write. */
    githubFailed(what, needed, err, kind) {
        this.warnOnce(githubWarning(what, needed, err));
        this.stopIfNoAnswer(err);
        const status = githubErrorStatus(err);
        if (status === 401 || status === 403) {
            if (kind === 'comments')
                this.commentsOff = true;
            else
                this.deploymentsOff = true;
        }
    }
    /**
     * GitHub gave no answer (timeout, connection failure): every further call would likely wait
     * as long again, so this run stops reporting to GitHub.
     */
    stopIfNoAnswer(err) {
        if (!githubNoAnswer(err) || this.githubDown)
            return;
        this.githubDown = true;
        this.log.info('GitHub did not answer: no more PR comment or deployment updates in this run (the final deployment statuses get one more try).');
    }
    warnOnce(message) {
        if (this.warned.has(message))
            return;
        this.warned.add(message);
        this.log.warning(message);
    }
}
/**
 * On SIGINT/SIGTERM (a cancel), only record the interruption for the post step, then let the
 * signal do what it would have done without us. Returns a function that uninstalls the handler.
 */
function installInterruptHandler(reporter, target = process) {
    const uninstall = () => {
        target.removeListener('SIGINT', handler);
        target.removeListener('SIGTERM', handler);
    };
    function handler(signal) {
        reporter.recordInterruption(signal);
        uninstall();
        target.kill(target.pid, signal);
    }
    target.once('SIGINT', handler);
    target.once('SIGTERM', handler);
    return uninstall;
}
const postNote = 'Finished by the post step from what the main step saved; Heroku was not asked again.';
/** An Outcome rebuilt from what the main step saved, marked cancelled. */
function outcomeFromProgress(progress, now = Date.now()) {
    const toApp = (a) => ({
        app: a.app,
        stage: a.stage,
        webUrl: a.webUrl,
        before: releaseFromSaved(a.before),
        release: releaseFromSaved(a.release),
        liveAfter: releaseFromSaved(a.liveAfter),
        rolledBack: a.rolledBack ?? false
    });
    const phase = progress.phase !== 'start' ? progress.phase : undefined;
    const during = phase ? ` during the ${phase} phase` : '';
    const error = progress.interrupted
        ? `The run was cancelled (${progress.interrupted})${during} before it finished.`
        : progress.crashed
            ? `The main step crashed (${progress.crashed})${during} before it finished; its log has the details.`
            : `The main step stopped${during} without finishing: it was cancelled or crashed.`;
    const main = progress.apps.find((a) => a.role === 'app');
    return {
        command: progress.command,
        status: 'cancelled',
        dryRun: progress.dryRun,
        startedAt: progress.startedAt,
        endedAt: now,
        pipeline: progress.pipeline ? { id: '', name: progress.pipeline } : undefined,
        app: main ? toApp(main) : undefined,
        targets: progress.apps.filter((a) => a.role === 'target').map(toApp),
        phases: phase
            ? [{ name: phase, startedAt: progress.phaseStartedAt ?? progress.startedAt }]
            : [],
        error,
        notes: [postNote]
    };
}
/**
 * The post step: removes temporary files the main step left, and when the main step did not
 * finish (cancel, crash) sets its deployments to failure (review apps: inactive), says so in the
 * comment and the summary with what is live (read from Heroku when it can), and fails the step.
 * Does nothing else when the main step finished.
 */
async function runPost(ctx, api, log = core, opts = {}) {
    const progress = loadProgress();
    if (!progress) {
        log.info('The main step saved no progress: nothing to finish.');
        return;
    }
    const warned = new Set();
    const warn = (message) => {
        if (!warned.has(message))
            log.warning(message);
        warned.add(message);
    };
    for (const dir of progress.tempDirs ?? []) {
        try {
            if (await removeRunTempDir(dir, ctx.runnerTemp))
                log.info(`Removed ${dir}.`);
        }
        catch (err) {
            warn(`Could not remove the temporary directory ${dir}: ${oneLine(errorMessage(err), 200)}`);
        }
    }
    if (progress.finished) {
        log.debug('The main step finished: nothing to do in the post step.');
        return;
    }
    const outcome = outcomeFromProgress(progress);
    if (opts.live)
        await readLive(outcome, opts.live, opts.liveTimeoutMs ?? 20000, log);
    // After one request GitHub did not answer, the post step asks it nothing more.
    let githubDown = false;
    const failed = (err) => {
        if (githubNoAnswer(err))
            githubDown = true;
    };
    if (api) {
        for (const d of progress.deployments) {
            if (githubDown)
                break;
            if (d.state === 'success' ||
                d.state === 'failure' ||
                d.state === 'inactive' ||
                d.state === 'error')
                continue;
            const state = d.transient ? 'inactive' : 'failure';
            try {
                await api.createDeploymentStatus(d.id, {
                    state,
                    environmentUrl: d.webUrl,
                    logUrl: runUrl(ctx),
                    description: truncateDescription(outcome.error ?? 'Cancelled')
                });
            }
            catch (err) {
                failed(err);
                warn(githubWarning(`set the GitHub deployment of ${d.app} to ${state}`, permission.deployments, err));
            }
        }
        if (progress.purpose && progress.prNumbers.length > 0 && !githubDown) {
            const body = renderComment(outcome, ctx, progress.purpose, 'final');
            let viewer;
            const login = async () => (viewer ??= await resolveViewerLogin(api));
            for (const pr of progress.prNumbers) {
                if (githubDown)
                    break;
                const known = progress.comments.find((c) => c.pr === pr)?.id;
                try {
                    await postComment(api, pr, progress.purpose, body, login, known);
                }
                catch (err) {
                    failed(err);
                    warn(githubWarning(`update the comment on PR #${pr}`, permission.comment, err));
                }
            }
        }
    }
    if (!progress.summaryWritten) {
        try {
            await writeSummary(outcome, ctx);
        }
        catch (err) {
            warn(`Could not write the job summary: ${oneLine(errorMessage(err), 300)}`);
        }
    }
    log.setFailed(outcome.error ?? 'The main step did not finish.');
}
/**
 * After a cancel or crash, what is live on each app is read from Heroku (the saved progress
 * may be behind: a build or release can still have finished). Bounded by `timeoutMs`; an app
 * that cannot be read keeps what was saved.
 */
async function readLive(outcome, live, timeoutMs, log) {
    const apps = appsOf(outcome);
    if (apps.length === 0)
        return;
    let timer;
    const deadline = new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const read = Promise.all(apps.map(async (app) => {
        try {
            const state = await live(app.app);
            if (state.release)
                app.liveAfter = releaseFromSaved(state.release);
            if (state.pending) {
                outcome.notes.push(`${app.app}: ${state.pending}; it may still go live.`);
            }
            return true;
        }
        catch (err) {
            log.info(`Could not read what is live on ${app.app}: ${oneLine(errorMessage(err), 200)}`);
            return false;
        }
    }));
    const done = await Promise.race([read, deadline]);
    clearTimeout(timer);
    if (done !== 'timeout' && done.some(Boolean)) {
        outcome.notes = outcome.notes.map((n) => n === postNote ? 'Finished by the post step; what is live was read from Heroku.' : n);
    }
}
/**
 * Edit the comment we know; when it is unknown or gone (404), find ours by marker and author
 * or create it. Returns the comment id.
 */
async function postComment(api, pr, purpose, body, login, knownId) {
    if (knownId !== undefined) {
        try {
            await api.updateComment(knownId, body);
            return knownId;
        }
        catch (err) {
            if (githubErrorStatus(err) !== 404)
                throw err;
        }
    }
    return (await upsertComment(api, pr, purpose, body, await login())).commentId;
}

// EXTERNAL MODULE: external "node:string_decoder"
var external_node_string_decoder_ = __webpack_require__(6193);
;// CONCATENATED MODULE: ./src/heroku/stream.ts
/**
 * Follows a build's or release's `output_stream_url` until the server closes it. The URL needs no
 * Heroku credentials and is treated as a secret: it is never logged or put in an error.
 *
 * Streaming is best effort: it never throws for a stream problem. `completed` says whether the
 * server ended the stream normally; callers read the build/release status from the API anyway.
 */





const MAX_REDIRECTS = 5;
async function streamOutput(url, opts) {
    const now = opts.now ?? Date.now;
    const sleep = opts.sleep ?? realSleep;
    const retryIntervalMs = opts.retryIntervalMs ?? 1000;
    const maxReconnects = opts.maxReconnects ?? 5;
    const deadline = now() + (opts.timeoutMs ?? 30 * 60 * 1000);
    const startDeadline = now() + (opts.notFoundRetryMs ?? 10000);
    const tail = new TailBuffer(opts.tailLines ?? 40);
    const decoder = new external_node_string_decoder_.StringDecoder('utf8');
    const emit = (text) => {
        if (!text)
            return;
        tail.push(text);
        opts.onText(text);
    };
    const result = (completed) => {
        emit(decoder.end());
        return { tail: tail.toString(), completed };
    };
    let current;
    try {
        current = new URL(url);
    }
    catch {
        return result(false);
    }
    if (current.protocol !== 'http:' && current.protocol !== 'https:')
        return result(false);
    const state = { received: 0 };
    let streamStarted = false;
    let reconnects = 0;
    let redirects = 0;
    for (;;) {
        if (opts.signal?.aborted || now() >= deadline)
            return result(false);
        const fetched = await fetchOnce(current, state, {
            deliver: (text) => emit(decoder.write(text)),
            signal: opts.signal,
            idleTimeoutMs: opts.idleTimeoutMs ?? 120000,
            answerTimeoutMs: opts.answerTimeoutMs ?? 30000,
            timeLeftMs: deadline - now()
        });
        switch (fetched.kind) {
            case 'done':
                return result(true);
            case 'stopped':
                return result(false);
            case 'redirect':
                if (++redirects > MAX_REDIRECTS)
                    return result(false);
                try {
                    current = new URL(fetched.location, current);
                }
                catch {
                    return result(false);
                }
                continue;
            case 'dropped':
                if (fetched.started)
                    streamStarted = true;
                break;
            case 'status':
                break;
        }
        // Not there yet (404 before the build or release phase starts), or the connection dropped.
        if (!streamStarted) {
            if (now() + retryIntervalMs > startDeadline)
                return result(false);
            await sleep(retryIntervalMs);
        }
        else {
            if (++reconnects > maxReconnects)
                return result(false);
            await sleep(Math.min(retryIntervalMs * 2 ** (reconnects - 1), 10000));
        }
    }
}
/** One GET from byte `state.received` on; never rejects. */
function fetchOnce(url, state, ctx) {
    return new Promise((resolve) => {
        let settled = false;
        const finish = (result) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(overall);
            clearTimeout(answerTimer);
            ctx.signal?.removeEventListener('abort', onAbort);
            resolve(result);
        };
        const headers = { 'User-Agent': DEFAULT_USER_AGENT };
        if (state.received > 0)
            headers.Range = `bytes=${state.received}-`;
        const get = url.protocol === 'https:' ? (external_node_https_default()).get : (external_node_http_default()).get;
        let started = false;
        const req = get(url, { headers }, (res) => {
            clearTimeout(answerTimer);
            const status = res.statusCode ?? 0;
            if (status >= 300 && status < 400 && res.headers.location) {
                res.resume();
                finish({ kind: 'redirect', location: res.headers.location });
                return;
            }
            if (status === 416 && state.received > 0) {
                // Nothing after what we have: the stream had already ended.
                res.resume();
                finish({ kind: 'done' });
                return;
            }
            if (status < 200 || status >= 300) {
                res.resume();
                finish({ kind: 'status', status });
                return;
            }
            started = true;
            // Bytes already shown: a server that ignores Range starts again from the beginning.
            let skip = state.received - rangeStart(status, res.headers['content-range'], state.received);
            res.on('data', (chunk) => {
                let bytes = stripNul(chunk);
                if (skip > 0) {
                    const dropped = Math.min(skip, bytes.length);
                    bytes = bytes.subarray(dropped);
                    skip -= dropped;
                }
                if (bytes.length === 0)
                    return;
                state.received += bytes.length;
                ctx.deliver(bytes);
            });
            res.on('error', () => undefined);
            res.on('end', () => finish(res.complete ? { kind: 'done' } : { kind: 'dropped', started }));
            res.on('close', () => finish(res.complete ? { kind: 'done' } : { kind: 'dropped', started }));
        });
        req.on('error', () => finish({ kind: 'dropped', started }));
        // An idle connection (no bytes, not even heartbeats) is reopened.
        req.setTimeout(ctx.idleTimeoutMs, () => req.destroy());
        // Heartbeats keep an answered stream busy; an answer that never starts is asked again.
        const answerTimer = setTimeout(() => req.destroy(), ctx.answerTimeoutMs);
        const overall = setTimeout(() => {
            finish({ kind: 'stopped' });
            req.destroy();
        }, Math.max(0, ctx.timeLeftMs));
        const onAbort = () => {
            finish({ kind: 'stopped' });
            req.destroy();
        };
        ctx.signal?.addEventListener('abort', onAbort, { once: true });
    });
}
/**
 * Where the answer starts: 0 for a full answer; for a 206, its Content-Range, or (a live stream
 * cannot know its end, so may send none) the offset that was asked for.
 */
function rangeStart(status, contentRange, asked) {
    if (status !== 206)
        return 0;
    const match = /^bytes\s+(\d+)-/.exec(contentRange ?? '');
    return match ? Number(match[1]) : asked;
}
/** NUL bytes are keep-alive heartbeats, not output. */
function stripNul(chunk) {
    if (!chunk.includes(0))
        return chunk;
    return Buffer.from(chunk.filter((byte) => byte !== 0));
}
/** The last N lines of a text that arrives in pieces. */
class TailBuffer {
    maxLines;
    lines = [];
    partial = '';
    constructor(maxLines) {
        this.maxLines = maxLines;
    }
    push(text) {
        const parts = (this.partial + text).split('\n');
        this.partial = parts.pop() ?? '';
        for (const line of parts)
            this.lines.push(line.replace(/\r$/, ''));
        if (this.lines.length > this.maxLines * 2)
            this.lines = this.lines.slice(-this.maxLines);
    }
    toString() {
        const all = this.partial ? [...this.lines, this.partial] : this.lines;
        return all.slice(-this.maxLines).join('\n');
    }
}

;// CONCATENATED MODULE: ./src/heroku/wait.ts
/**
 * The one polling helper: poll until done or the deadline. The interval starts short (most
 * things finish quickly, and a quick first answer shortens every run) and grows towards
 * `maxIntervalMs`, which keeps long waits cheap on the account's shared rate limit.
 */


/** The deadline, as ms since the epoch, for a wait of `timeoutMs` starting now. */
function deadlineFrom(timeoutMs, now = Date.now) {
    return now() + timeoutMs;
}
/** Ms left until `deadline` (never negative). */
function remainingMs(deadline, now = Date.now) {
    return Math.max(0, deadline - now());
}
/**
 * Calls `poll` until `isDone` accepts its value and returns that value. Throws `TimeoutError`
 * naming `what` when the deadline passes; errors from `poll` propagate (the client retries
 * transient ones itself). The last poll happens at the deadline, never after a sleep past it.
 */
async function waitUntil(poll, isDone, opts) {
    const now = opts.now ?? Date.now;
    const sleep = opts.sleep ?? realSleep;
    const maxInterval = Math.max(1, opts.maxIntervalMs ?? 5000);
    const factor = Math.max(1, opts.factor ?? 1.5);
    let interval = Math.min(maxInterval, Math.max(1, opts.minIntervalMs ?? 500));
    const deadline = deadlineFrom(opts.timeoutMs, now);
    const initialDelay = Math.min(Math.max(0, opts.initialDelayMs ?? 0), opts.timeoutMs);
    if (initialDelay > 0)
        await sleep(initialDelay);
    for (;;) {
        const value = await poll();
        opts.onPoll?.(value);
        if (isDone(value))
            return value;
        const left = deadline - now();
        if (left <= 0)
            throw new TimeoutError(opts.what, Math.round(opts.timeoutMs / 1000));
        await sleep(Math.min(interval, left));
        interval = Math.min(maxInterval, Math.ceil(interval * factor));
    }
}

// EXTERNAL MODULE: ./node_modules/@actions/exec/lib/exec.js + 3 modules
var exec = __webpack_require__(1260);
;// CONCATENATED MODULE: ./src/package/git.ts
/**
 * Git for `method: git` and for the commit's subject. Every command is an args array (no shell);
 * the API key travels in an HTTP header given to git through its environment
 * (GIT_CONFIG_COUNT/KEY/VALUE), never in the URL or argv.
 */


async function git(cwd, args, env) {
    const out = await (0,exec/* getExecOutput */.H)('git', args, {
        cwd,
        silent: true,
        ignoreReturnCode: true,
        env: env ? { ...process.env, ...env } : undefined
    });
    return { code: out.exitCode, stdout: out.stdout, stderr: out.stderr };
}
/** The subject line of `sha` (or HEAD), for the build's `version_description`; undefined if unknown. */
async function commitSubject(dir, sha) {
    for (const rev of sha ? [sha, 'HEAD'] : ['HEAD']) {
        try {
            const r = await git(dir, ['log', '-1', '--format=%s', rev, '--']);
            if (r.code === 0 && r.stdout.trim())
                return r.stdout.trim().slice(0, 200);
        }
        catch {
            return undefined;
        }
    }
    return undefined;
}
/**
 * Pushes HEAD's tree under `sourceDir` to the app's git_url as a parentless commit: no history is
 * walked or sent (works from a shallow clone, and for a monorepo subdirectory). The commit keeps
 * HEAD's author, committer, dates and message, so the same HEAD always gives the same commit id
 * and a re-run pushes nothing new. Returns that commit id (Heroku records it as the version).
 */
async function pushToGitUrl(p) {
    const prefix = await git(p.sourceDir, ['rev-parse', '--show-prefix']);
    if (prefix.code !== 0)
        throw new DeployError(`method git needs a git work tree at source-dir: ${firstLine(prefix.stderr)}`);
    const sub = prefix.stdout.trim();
    const tree = await git(p.sourceDir, [
        'rev-parse',
        sub ? `HEAD:${sub.replace(/\/$/, '')}` : 'HEAD^{tree}'
    ]);
    if (tree.code !== 0)
        throw new DeployError(`Could not read HEAD's tree for source-dir: ${firstLine(tree.stderr)}`);
    const meta = await git(p.sourceDir, [
        'log',
        '-1',
        '--format=%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B',
        'HEAD'
    ]);
    if (meta.code !== 0)
        throw new DeployError(`Could not read HEAD: ${firstLine(meta.stderr)}`);
    const [an, ae, ad, cn, ce, cd, ...body] = meta.stdout.split('\0');
    const message = body.join('\0').trim() || `Deploy ${p.sha}`;
    const commit = await git(p.sourceDir, ['commit-tree', tree.stdout.trim(), '-m', message], {
        GIT_AUTHOR_NAME: an,
        GIT_AUTHOR_EMAIL: ae,
        GIT_AUTHOR_DATE: ad,
        GIT_COMMITTER_NAME: cn,
        GIT_COMMITTER_EMAIL: ce,
        GIT_COMMITTER_DATE: cd
    });
    if (commit.code !== 0)
        throw new DeployError(`Could not make the commit to push: ${firstLine(commit.stderr)}`);
    const id = commit.stdout.trim();
    const auth = Buffer.from(`heroku:${p.apiKey}`).toString('base64');
    const push = await git(p.sourceDir, ['push', '--force', '--quiet', p.gitUrl, `${id}:refs/heads/main`], {
        GIT_TERMINAL_PROMPT: '0',
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'http.extraHeader',
        GIT_CONFIG_VALUE_0: `Authorization: Basic ${auth}`
    });
    if (push.code !== 0) {
        throw new DeployError(`git push to the app's git_url failed: ${scrub(push.stderr, [p.apiKey, auth])}`);
    }
    return { commit: id };
}
function firstLine(text) {
    return text.trim().split('\n')[0] ?? '';
}
function scrub(text, secrets) {
    let out = text.trim().split('\n').slice(-5).join('\n');
    for (const s of secrets)
        out = out.split(s).join('***');
    return out;
}

;// CONCATENATED MODULE: ./src/health/clock.ts
/** Time as the health gate sees it; injected so tests can run the waits without real timers. */
const clock_realSleep = (ms, signal) => new Promise((resolve, reject) => {
    if (signal?.aborted)
        return reject(signal.reason);
    const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
    };
    const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
});
const realNow = () => Date.now();
/** Shortens a wait by up to 10 %, so many runners polling together drift apart. */
function withJitter(ms, random = Math.random) {
    return Math.round(ms * (1 - 0.1 * random()));
}

// EXTERNAL MODULE: external "node:perf_hooks"
var external_node_perf_hooks_ = __webpack_require__(643);
;// CONCATENATED MODULE: ./src/health/probe.ts
/**
 * HTTP probes of the health URL: one request per probe, no redirects followed, status and body
 * checked, every probe recorded. Network failures are failed probes, never exceptions.
 */





/** The first probes come this often, so a healthy app is confirmed within about `successes` s. */
const FIRST_PROBE_INTERVAL_MS = 1000;
/** Failing probes back off by this factor up to `intervalSeconds`. */
const BACKOFF_FACTOR = 1.5;
/** The body regex sees at most this much of the body. */
const MAX_BODY_BYTES = 64 * 1024;
const EXCERPT_CHARS = 200;
const USER_AGENT = 'heroku-pipeline-action health-check';
/**
 * Default per-probe timeout: twice the longest interval, between 5 s and 30 s (Heroku's router
 * itself gives up after 30 s, so waiting longer learns nothing).
 */
function defaultProbeTimeoutMs(intervalSeconds) {
    return Math.min(30_000, Math.max(5_000, intervalSeconds * 2_000));
}
/** `/path` joined to the app's `web_url`; an absolute http(s) URL as it is. */
function resolveHealthUrl(target, webUrl) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
        const url = parseUrl(target);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') {
            throw new InputError('health-check', `health-check must be a path or an http(s) URL, not ${url.protocol}`);
        }
        return url.toString();
    }
    if (webUrl === undefined || webUrl === '') {
        throw new InputError('health-check', `health-check ${target} is a path, but the app has no web_url to join it to; give an absolute URL instead`);
    }
    const path = target.startsWith('/') ? target : `/${target}`;
    return parseUrl(webUrl.replace(/\/+$/, '') + path).toString();
}
function parseUrl(value) {
    try {
        return new URL(value);
    }
    catch {
        throw new InputError('health-check', `health-check URL ${redactUrl(value)} is not a valid URL`);
    }
}
/** The URL without a user name or password, for the report. */
function redactUrl(value) {
    try {
        const url = new URL(value);
        if (url.username === '' && url.password === '')
            return url.toString();
        url.username = '';
        url.password = '';
        return url.toString();
    }
    catch {
        return value.replace(/\/\/[^/@]*@/, '//');
    }
}
function compileCriteria(check) {
    if (check.bodyPattern === undefined || check.bodyPattern === '') {
        return { statuses: check.statuses, body: undefined };
    }
    try {
        return { statuses: check.statuses, body: new RegExp(check.bodyPattern) };
    }
    catch (err) {
        throw new InputError('health-check-body', `health-check-body is not a valid regular expression: ${errorMessage(err)}`);
    }
}
function statusAccepted(status, statuses) {
    return statuses.some((range) => status >= range.min && status <= range.max);
}
function formatStatuses(statuses) {
    return statuses.map((r) => (r.min === r.max ? String(r.min) : `${r.min}-${r.max}`)).join(',');
}
/** One GET of `url`: never rejects, never follows a redirect, reads at most `MAX_BODY_BYTES`. */
const probeOnce = (url, criteria, opts) => {
    const now = opts.now ?? realNow;
    const at = now();
    const started = external_node_perf_hooks_.performance.now();
    const seconds = formatSeconds(opts.timeoutMs);
    return new Promise((resolve) => {
        let settled = false;
        let status;
        let location;
        const chunks = [];
        let bodyBytes = 0;
        const finish = (fields) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            opts.signal?.removeEventListener('abort', onAbort);
            req.destroy();
            const body = Buffer.concat(chunks).toString('utf8');
            const probe = {
                at,
                status,
                latencyMs: Math.round(external_node_perf_hooks_.performance.now() - started),
                ok: fields.ok
            };
            if (fields.error !== undefined)
                probe.error = fields.error;
            if (!fields.ok && body !== '')
                probe.bodyExcerpt = excerpt(body);
            resolve(probe);
        };
        /** Status and body decide; `cutShort` says why the body may be incomplete. */
        const judge = (cutShort) => {
            if (status === undefined)
                return finish({ ok: false, error: `no answer within ${seconds} s` });
            if (!statusAccepted(status, criteria.statuses)) {
                const redirect = location !== undefined ? ` (redirect to ${location})` : '';
                const expected = formatStatuses(criteria.statuses);
                return finish({ ok: false, error: `status ${status}${redirect} is not ${expected}` });
            }
            if (criteria.body === undefined)
                return finish({ ok: true });
            const body = Buffer.concat(chunks).toString('utf8');
            if (criteria.body.test(body))
                return finish({ ok: true });
            const why = cutShort === undefined ? 'did not match' : `${cutShort} and did not match`;
            finish({ ok: false, error: `body ${why} /${criteria.body.source}/` });
        };
        const client = url.startsWith('https:') ? (external_node_https_default()) : (external_node_http_default());
        // agent: false: a fresh connection per probe, so each one goes through the router like a
        // new visitor's, and no idle keep-alive socket outlives the gate.
        const req = client.request(url, { method: 'GET', agent: false, headers: { 'user-agent': USER_AGENT, accept: '*/*' } }, (res) => {
            status = res.statusCode;
            const loc = res.headers.location;
            if (loc !== undefined)
                location = excerpt(loc);
            const accepted = status !== undefined && statusAccepted(status, criteria.statuses);
            // Without a body pattern an accepted status is enough; a rejected one keeps its body excerpt.
            if (accepted && criteria.body === undefined)
                return judge();
            const wanted = accepted ? MAX_BODY_BYTES : EXCERPT_CHARS * 4;
            res.on('data', (chunk) => {
                if (bodyBytes >= wanted)
                    return;
                const part = chunk.subarray(0, wanted - bodyBytes);
                chunks.push(part);
                bodyBytes += part.length;
                if (bodyBytes >= wanted)
                    judge();
            });
            res.on('end', () => judge());
            res.on('error', () => judge('was cut off'));
        });
        req.on('error', (err) => {
            // A reset after the status arrived still lets the status and partial body decide.
            if (status !== undefined)
                judge('was cut off');
            else
                finish({ ok: false, error: describeNetworkError(err, url) });
        });
        const timer = setTimeout(() => judge(`was not complete within ${seconds} s`), opts.timeoutMs);
        const onAbort = () => finish({ ok: false, error: 'cancelled' });
        if (opts.signal?.aborted)
            onAbort();
        else
            opts.signal?.addEventListener('abort', onAbort, { once: true });
        req.end();
    });
};
function describeNetworkError(err, url) {
    const host = hostOf(url);
    switch (err.code) {
        case 'ECONNREFUSED':
            return `connection refused by ${host}`;
        case 'ENOTFOUND':
        case 'EAI_AGAIN':
            return `DNS lookup for ${host} failed (${err.code})`;
        case 'ECONNRESET':
            return `connection reset by ${host}`;
        case 'ETIMEDOUT':
            return `connection to ${host} timed out`;
        default:
            return err.code !== undefined ? `${err.code}: ${err.message}` : err.message;
    }
}
function hostOf(url) {
    try {
        return new URL(url).host;
    }
    catch {
        return 'the host';
    }
}
function excerpt(text) {
    // Control characters (ANSI escapes, NULs) would garble the summary; whitespace runs collapse.
    const flat = [...text.slice(0, EXCERPT_CHARS * 4)]
        .map((ch) => (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f ? ' ' : ch))
        .join('')
        .replace(/\s+/g, ' ')
        .trim();
    return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}
function formatSeconds(ms) {
    return String(Math.round(ms / 100) / 10);
}
/**
 * Probes `url` until `check.successes` probes in a row pass or the deadline comes. The first
 * probe goes out at once, then about every second; after a failure the gap grows ×1.5 up to
 * `check.intervalSeconds`, and after a pass it drops back to one second to confirm quickly.
 * Rejects only when `signal` aborts (with its reason).
 */
async function probeUntilHealthy(url, check, opts = {}) {
    const sleep = opts.sleep ?? clock_realSleep;
    const now = opts.now ?? realNow;
    const probeFn = opts.probe ?? probeOnce;
    const criteria = compileCriteria(check);
    const probeTimeoutMs = opts.probeTimeoutMs ?? defaultProbeTimeoutMs(check.intervalSeconds);
    const deadline = opts.deadline ?? now() + check.timeoutSeconds * 1000;
    const maxGap = Math.max(1, check.intervalSeconds * 1000);
    const fastGap = Math.min(FIRST_PROBE_INTERVAL_MS, maxGap);
    const successes = Math.max(1, check.successes);
    const probes = [];
    const result = (passed, reason) => {
        const r = { checked: true, passed, url: redactUrl(url), probes };
        if (reason !== undefined)
            r.reason = reason;
        return r;
    };
    let backoff = fastGap;
    let streak = 0;
    for (;;) {
        opts.signal?.throwIfAborted();
        const startedAt = now();
        const remaining = deadline - startedAt;
        if (remaining <= 0)
            break;
        const probe = await probeFn(url, criteria, {
            timeoutMs: Math.min(probeTimeoutMs, remaining),
            now,
            signal: opts.signal
        });
        opts.signal?.throwIfAborted();
        probes.push(probe);
        opts.onProbe?.(probe);
        if (probe.ok) {
            streak++;
            if (streak >= successes)
                return result(true);
        }
        else {
            streak = 0;
        }
        let gap = fastGap;
        if (!probe.ok) {
            gap = withJitter(backoff, opts.random);
            backoff = Math.min(backoff * BACKOFF_FACTOR, maxGap);
        }
        const wait = Math.max(0, gap - (now() - startedAt));
        if (now() + wait >= deadline)
            break;
        await sleep(wait, opts.signal);
    }
    return result(false, describeFailure(probes, criteria, successes, check.timeoutSeconds));
}
/** One sentence on why the gate failed, from the last few probes. */
function describeFailure(probes, criteria, successes, timeoutSeconds) {
    const prefix = `Not healthy within ${timeoutSeconds} s`;
    const needed = `needed ${successes} passing in a row`;
    if (probes.length === 0)
        return `${prefix}: no probe could be made; ${needed}.`;
    const recent = probes.slice(-5);
    const failing = recent.filter((p) => !p.ok);
    if (failing.length === 0) {
        return `${prefix}: the last probes passed, but ${needed} and time ran out.`;
    }
    const counts = new Map();
    for (const probe of failing) {
        const what = failureVerb(probe, criteria);
        counts.set(what, (counts.get(what) ?? 0) + 1);
    }
    const [what, count] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    const subject = recent.length === 1 ? 'the only probe' : `${count} of the last ${recent.length} probes`;
    return `${prefix}: ${subject} ${what}; ${needed}.`;
}
function failureVerb(probe, criteria) {
    if (probe.status === undefined)
        return `failed (${probe.error ?? 'no answer'})`;
    if (!statusAccepted(probe.status, criteria.statuses)) {
        const redirect = /\(redirect to [^)]*\)/.exec(probe.error ?? '');
        const where = redirect ? ` ${redirect[0]}` : '';
        return `answered ${probe.status}${where} (expected ${formatStatuses(criteria.statuses)})`;
    }
    return `answered ${probe.status} with a body that did not match /${criteria.body?.source ?? ''}/`;
}

;// CONCATENATED MODULE: ./src/health/gate.ts
/**
 * The health gate: an app is healthy when its web dynos run the new release and are up, and
 * then enough consecutive probes pass. Both steps share one deadline (`check.timeoutSeconds`).
 */



/**
 * Dyno polling starts fast (dynos often boot in seconds) and slows down to save API calls. While
 * a boot is likely still under way (the first 12 s) polls stay at most 1.5 s apart, which bounds
 * how late a booted dyno is noticed (the probes only start then): a 10 s boot costs about 10
 * polls. Longer waits slow to 3 s, so a slow or stuck boot does not drain the rate limit.
 */
const FIRST_DYNO_POLL_MS = 500;
const QUICK_BOOT_WINDOW_MS = 12_000;
const QUICK_BOOT_MAX_POLL_MS = 1500;
const MAX_DYNO_POLL_MS = 3000;
const DYNO_POLL_FACTOR = 1.5;
/**
 * States that count as ready on the new release. `idle` is a sleeping eco dyno: it runs the
 * release and wakes on the first probe, so waiting for `up` would only run into the timeout.
 */
const READY_STATES = new Set(['up', 'idle']);
/**
 * Resolves when there is at least one web dyno and every web dyno runs `releaseVersion` and is
 * up. Throws DeployError at once when a web dyno crashed on that release or runs a newer one
 * (the release under test was replaced), TimeoutError at the deadline.
 */
async function waitForWebDynos(lister, app, releaseVersion, opts) {
    const sleep = opts.sleep ?? clock_realSleep;
    const now = opts.now ?? realNow;
    const started = now();
    const deadline = started + opts.timeoutMs;
    let pollMs = FIRST_DYNO_POLL_MS;
    let lastSummary;
    for (;;) {
        opts.signal?.throwIfAborted();
        const web = webDynos(await lister.listDynos(app));
        const summary = summarizeDynos(web);
        if (summary !== lastSummary) {
            lastSummary = summary;
            opts.onUpdate?.(summary);
        }
        const crashed = web.find((d) => d.release?.version === releaseVersion && d.state === 'crashed');
        if (crashed)
            throw new DeployError(`web dyno ${crashed.name} crashed on v${releaseVersion}`);
        const newer = web.find((d) => d.release !== undefined && d.release.version > releaseVersion);
        if (newer) {
            throw new DeployError(`web dyno ${newer.name} runs v${newer.release?.version}, a newer release than v${releaseVersion}: the release under test was replaced`);
        }
        const ready = web.length > 0 &&
            web.every((d) => d.release?.version === releaseVersion && READY_STATES.has(d.state));
        if (ready)
            return;
        const left = deadline - now();
        if (left <= 0) {
            throw new TimeoutError(`the web dynos of ${app} to run v${releaseVersion} and be up (last seen: ${summary})`, Math.round(opts.timeoutMs / 1000));
        }
        await sleep(Math.min(withJitter(pollMs, opts.random), left), opts.signal);
        const cap = now() - started < QUICK_BOOT_WINDOW_MS ? QUICK_BOOT_MAX_POLL_MS : MAX_DYNO_POLL_MS;
        pollMs = Math.min(pollMs * DYNO_POLL_FACTOR, cap);
    }
}
/** The web dynos, by name (web.2 before web.10). */
function webDynos(dynos) {
    return dynos
        .filter((d) => d.type === 'web')
        .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}
/** "web.1 up (v12), web.2 starting (v11)", or "no web dynos". */
function summarizeDynos(web) {
    if (web.length === 0)
        return 'no web dynos';
    return web
        .map((d) => `${d.name} ${d.state}${d.release ? ` (v${d.release.version})` : ''}`)
        .join(', ');
}
/**
 * Waits for the web dynos, then probes. A crashed or replaced release and timeouts become a
 * failed result with a reason; Heroku API errors, a bad `health-check` (InputError) and
 * cancellation are thrown. Without `check.target` only the dynos are checked (`checked: false`).
 */
async function runHealthGate(deps, app, releaseVersion, webUrl, check, opts = {}) {
    const now = opts.now ?? realNow;
    const deadline = now() + check.timeoutSeconds * 1000;
    // Resolved first: a path with no web_url is a configuration problem, known before any wait.
    const url = check.target === undefined ? undefined : resolveHealthUrl(check.target, webUrl);
    const shownUrl = url === undefined ? undefined : redactUrl(url);
    try {
        await waitForWebDynos(deps.dynos, app, releaseVersion, {
            timeoutMs: check.timeoutSeconds * 1000,
            sleep: opts.sleep,
            now,
            onUpdate: opts.onDynos,
            signal: opts.signal,
            random: opts.random
        });
    }
    catch (err) {
        if (err instanceof DeployError || err instanceof TimeoutError) {
            return {
                checked: url !== undefined,
                passed: false,
                url: shownUrl,
                probes: [],
                reason: `${err.message}.`
            };
        }
        throw err;
    }
    if (url === undefined)
        return { checked: false, passed: true, url: undefined, probes: [] };
    const probed = await probeUntilHealthy(url, check, {
        sleep: opts.sleep,
        now,
        probeTimeoutMs: opts.probeTimeoutMs,
        onProbe: opts.onProbe,
        signal: opts.signal,
        deadline,
        random: opts.random,
        probe: opts.probe
    });
    if (!probed.passed)
        return probed;
    // The probes can pass on the dynos that stay up while another one crashes meanwhile (a crash
    // loop): the web dynos must still all run the release and be up once the probes have passed.
    const web = webDynos(await deps.dynos.listDynos(app));
    const allUp = web.length > 0 &&
        web.every((d) => d.release?.version === releaseVersion && READY_STATES.has(d.state));
    if (allUp)
        return probed;
    const summary = summarizeDynos(web);
    opts.onDynos?.(summary);
    const newer = web.find((d) => d.release !== undefined && d.release.version > releaseVersion);
    return {
        ...probed,
        passed: false,
        reason: newer
            ? `The probes passed, but then web dyno ${newer.name} ran v${newer.release?.version}, a newer release than v${releaseVersion}: the release under test was replaced.`
            : `The probes passed, but then not every web dyno was up on v${releaseVersion} (${summary}).`
    };
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: ./node_modules/tar/dist/esm/index.min.js
var index_min = __webpack_require__(8697);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
;// CONCATENATED MODULE: ./src/package/files.ts
/**
 * Which files go into the source tarball: what `git add -A` would take under `source-dir`
 * (tracked + untracked, not ignored, as they are in the working tree), or, outside a git
 * work tree, every file under it. Never anything under a `.git`.
 */





/** How many `lstat` calls run at once when checking the listed paths. */
const STAT_CONCURRENCY = 32;
/** Paths relative to `sourceDir`, posix separators, sorted; files and symlinks only. */
async function listSourceFiles(sourceDir, opts = {}) {
    await assertDirectory(sourceDir);
    const listed = await gitListFiles(sourceDir, opts.git ?? 'git');
    if (listed === undefined)
        return walkDirectory(sourceDir);
    const present = await keepPackable(sourceDir, listed);
    return present.sort(byteOrder);
}
async function assertDirectory(sourceDir) {
    let isDir;
    try {
        isDir = (await (0,promises_.stat)(sourceDir)).isDirectory();
    }
    catch (err) {
        throw new InputError('source-dir', `source-dir ${sourceDir} cannot be read: ${errorMessage(err)}`);
    }
    if (!isDir)
        throw new InputError('source-dir', `source-dir ${sourceDir} is not a directory`);
}
/**
 * `git ls-files` in `sourceDir`; undefined when `sourceDir` is not in a git work tree (or git is
 * missing and no `.git` is in sight). Any other git failure is an error: falling back to a walk
 * would package ignored files (`.env`, `node_modules`) that the user excluded on purpose.
 */
async function gitListFiles(sourceDir, git) {
    const args = ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.'];
    const result = await runGit(git, args, sourceDir);
    if (result.kind === 'ok')
        return result.paths;
    if (result.kind === 'missing') {
        const gitDir = findGitAncestor(sourceDir);
        if (gitDir === undefined)
            return undefined;
        throw new DeployError(`git is not installed, but ${gitDir} is a git work tree: git is needed to leave out what .gitignore excludes`);
    }
    if (/not a git repository/i.test(result.stderr))
        return undefined;
    const detail = result.stderr.trim().split('\n').slice(0, 3).join(' ');
    throw new DeployError(`git ls-files failed in ${sourceDir} (exit ${result.code}): ${detail}`);
}
/** Runs git without a shell and splits its NUL-separated stdout as it arrives. */
function runGit(git, args, cwd) {
    return new Promise((resolve) => {
        const child = (0,external_node_child_process_.spawn)(git, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
        const paths = [];
        let pending = Buffer.alloc(0);
        let stderr = '';
        let spawnFailed = false;
        child.stdout.on('data', (chunk) => {
            let buf = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
            let nul = buf.indexOf(0);
            while (nul !== -1) {
                if (nul > 0)
                    paths.push(buf.toString('utf8', 0, nul));
                buf = buf.subarray(nul + 1);
                nul = buf.indexOf(0);
            }
            // Copy the tail so the big chunk it came from can be collected.
            pending = Buffer.from(buf);
        });
        child.stderr.on('data', (chunk) => {
            // Only the first lines matter for the message; don't let a chatty git grow this.
            if (stderr.length < 4096)
                stderr += chunk.toString('utf8');
        });
        child.on('error', (err) => {
            spawnFailed = true;
            if (err.code === 'ENOENT')
                resolve({ kind: 'missing' });
            else
                resolve({ kind: 'failed', code: null, stderr: err.message });
        });
        child.on('close', (code) => {
            if (spawnFailed)
                return;
            if (code !== 0)
                return resolve({ kind: 'failed', code, stderr });
            if (pending.length > 0)
                paths.push(pending.toString('utf8'));
            resolve({ kind: 'ok', paths });
        });
    });
}
/** The nearest directory at or above `dir` with a `.git` that looks like a repository. */
function findGitAncestor(dir) {
    let current = external_node_path_default().resolve(dir);
    for (;;) {
        if (looksLikeGitDir(external_node_path_default().join(current, '.git')))
            return current;
        const parent = external_node_path_default().dirname(current);
        if (parent === current)
            return undefined;
        current = parent;
    }
}
function looksLikeGitDir(dotGit) {
    try {
        if ((0,external_node_fs_.statSync)(dotGit).isDirectory())
            return (0,external_node_fs_.existsSync)(external_node_path_default().join(dotGit, 'HEAD'));
        // Worktrees and submodules have a `.git` file pointing at the real directory.
        return (0,external_node_fs_.readFileSync)(dotGit, 'utf8').startsWith('gitdir:');
    }
    catch {
        return false;
    }
}
/**
 * Drops what cannot go into the archive as a file: paths deleted from the working tree but still
 * in the index, submodules and nested repositories (listed as directories), and anything
 * under a `.git`.
 */
async function keepPackable(sourceDir, listed) {
    const kept = new Array(listed.length).fill(false);
    let next = 0;
    const worker = async () => {
        while (next < listed.length) {
            const index = next++;
            const rel = listed[index];
            if (rel.endsWith('/') || hasGitSegment(rel))
                continue;
            try {
                const info = await (0,promises_.lstat)(external_node_path_default().join(sourceDir, rel));
                kept[index] = info.isFile() || info.isSymbolicLink();
            }
            catch (err) {
                if (err.code !== 'ENOENT')
                    throw err;
            }
        }
    };
    const workers = Array.from({ length: Math.min(STAT_CONCURRENCY, listed.length) }, worker);
    await Promise.all(workers);
    return listed.filter((_, i) => kept[i]);
}
function hasGitSegment(rel) {
    return rel.split('/').includes('.git');
}
/** Every file and symlink under `sourceDir` (symlinks not followed), skipping `.git`. */
async function walkDirectory(sourceDir) {
    const files = [];
    const stack = [''];
    while (stack.length > 0) {
        const rel = stack.pop();
        const dir = await (0,promises_.opendir)(rel === '' ? sourceDir : external_node_path_default().join(sourceDir, rel));
        for await (const entry of dir) {
            if (entry.name === '.git')
                continue;
            const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
            if (entry.isDirectory())
                stack.push(childRel);
            else if (entry.isFile() || entry.isSymbolicLink())
                files.push(childRel);
        }
    }
    return files.sort(byteOrder);
}
function byteOrder(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}

;// CONCATENATED MODULE: ./src/package/tarball.ts
/**
 * Streams the listed files into a gzip tarball on disk, hashing the gzipped bytes on the way,
 * so neither the archive nor the file list's contents are ever held in memory.
 */








/**
 * zlib level 6 is gzip's own default, so throughput stays close to `tar -czf`; the larger
 * chunk size cuts the number of small writes through the hash and the file stream.
 */
const GZIP_OPTIONS = { level: 6, chunkSize: 64 * 1024 };
const MAX_READ_BYTES = 1024 * 1024;
/**
 * Writes `files` (relative to `sourceDir`) into a gzip tarball at `outPath` whose root is
 * `sourceDir`. Symlinks stay symlinks and modes are kept; `portable` drops uid/gid and user
 * names, which mean nothing on the build machine.
 */
async function createTarball(sourceDir, files, outPath) {
    if (files.length === 0) {
        throw new DeployError(`There is nothing to package in ${sourceDir}: no files were found`);
    }
    let fileCount = 0;
    const pack = index_min/* create */.vt({
        gzip: GZIP_OPTIONS,
        cwd: sourceDir,
        portable: true,
        follow: false,
        // Paths come from a file list, never a directory to recurse into; this is a safety net.
        noDirRecurse: true,
        // node-tar reads a file in chunks of up to 16 MiB, several files at a time: large files
        // would hold tens of MiB each in flight. 1 MiB reads keep memory flat at the same speed.
        maxReadSize: MAX_READ_BYTES,
        strict: true,
        onWriteEntry: () => {
            fileCount++;
        }
    }, 
    // node-tar reads an argument starting with '@' as an archive to copy entries from.
    files.map((file) => (file.startsWith('@') ? `./${file}` : file)));
    const hash = (0,external_node_crypto_.createHash)('sha256');
    let bytes = 0;
    // Minipass (node-tar's stream) is iterated, not handed to pipeline as a Node stream: its
    // async iterator pauses the packer between chunks and rejects on its errors.
    const hashedChunks = async function* () {
        for await (const chunk of pack) {
            hash.update(chunk);
            bytes += chunk.length;
            yield chunk;
        }
    };
    try {
        // pipeline waits for the file stream's 'drain', so a slow disk holds the packer back.
        await (0,external_node_stream_promises_.pipeline)(hashedChunks, (0,external_node_fs_.createWriteStream)(outPath, { mode: 0o600 }));
    }
    catch (err) {
        pack.destroy();
        await (0,promises_.rm)(outPath, { force: true });
        throw err;
    }
    return { path: outPath, bytes, checksum: `SHA256:${hash.digest('hex')}`, fileCount };
}
/** Lists `sourceDir`'s files and packs them into a uniquely named tarball in `tempDir`. */
async function packageSource(sourceDir, tempDir, opts = {}) {
    const files = await listSourceFiles(sourceDir, opts);
    const outPath = external_node_path_default().join(tempDir, `heroku-source-${(0,external_node_crypto_.randomUUID)()}.tar.gz`);
    const tarball = await createTarball(sourceDir, files, outPath);
    return { ...tarball, cleanup: () => (0,promises_.rm)(outPath, { force: true }) };
}

;// CONCATENATED MODULE: ./src/commands/steps.ts
/**
 * The steps the commands share: resolving apps, recording what is live, following a release
 * through its release phase, the health gate and the precise rollback. Commands compose them.
 */








function resolvedApp(app, stage) {
    return {
        id: app.id,
        name: app.name,
        webUrl: app.web_url ?? undefined,
        gitUrl: app.git_url ?? undefined,
        stage
    };
}
function newAppResult(app) {
    return {
        app: app.name,
        appId: app.id,
        stage: app.stage,
        webUrl: app.webUrl,
        rolledBack: false,
        startedAt: Date.now()
    };
}
/** Told of every phase as it begins (main.ts saves progress then: a cancel or crash may follow). */
let phaseListener;
function onPhaseStart(listener) {
    phaseListener = listener;
}
/**
 * TEST ONLY: the end-to-end crash tests set this to a phase name to make an uncaught exception
 * in that phase (as a bug in a callback would), so they can check the post step finishes the
 * reports. Read once; workflows never set it.
 */
const crashInPhase = process.env['HEROKU_PIPELINE_ACTION_TEST_CRASH_IN_PHASE'];
/** Runs `fn` as a named phase of the outcome's timeline. */
async function phase(outcome, name, detail, fn, 
/** For phases that end with a verdict instead of throwing (the health gate). */
succeeded = () => true) {
    const entry = { name, detail, startedAt: Date.now() };
    outcome.phases.push(entry);
    phaseListener?.(outcome);
    if (crashInPhase === name) {
        setImmediate(() => {
            throw new Error(`Injected crash in the ${name} phase (test hook)`);
        });
    }
    try {
        const value = await fn();
        entry.ok = succeeded(value);
        return value;
    }
    catch (err) {
        entry.ok = false;
        throw err;
    }
    finally {
        entry.endedAt = Date.now();
    }
}
/** Like `phase`, inside one collapsed log group (not for work that runs in parallel). */
function groupedPhase(outcome, name, title, detail, fn) {
    return core.group(title, () => phase(outcome, name, detail, fn));
}
/**
 * Packages `source-dir` into the run's own temporary directory, which the reporter saves for
 * the post step; `cleanup()` removes the directory and tells the reporter.
 */
async function packageInTempDir(c) {
    const runnerTemp = c.ctx.runnerTemp;
    const dir = await makeRunTempDir(runnerTemp);
    c.reporter.tempDirCreated(dir);
    const cleanup = async () => {
        await removeRunTempDir(dir, runnerTemp);
        c.reporter.tempDirRemoved(dir);
    };
    try {
        const packaged = await packageSource(c.settings.sourceDir, dir);
        return { ...packaged, cleanup };
    }
    catch (err) {
        await cleanup();
        throw err;
    }
}
/**
 * The app a command acts on: `app` (with its pipeline from its coupling, checked against
 * `pipeline` when both are given), else the single staging app of `pipeline`. `needsPipeline`
 * makes an app outside any pipeline an input error (`why` says what for).
 */
async function resolveAppInput(c, needsPipeline) {
    const { settings, heroku, outcome } = c;
    if (settings.app) {
        const [app, coupling] = await Promise.all([
            heroku.getApp(settings.app),
            heroku.getAppCoupling(settings.app)
        ]);
        if (coupling) {
            outcome.pipeline = {
                id: coupling.pipeline.id,
                name: coupling.pipeline.name ?? coupling.pipeline.id
            };
            if (settings.pipeline) {
                const wanted = await heroku.getPipeline(settings.pipeline);
                if (wanted.id !== coupling.pipeline.id) {
                    throw new InputError('app', `Input app ${app.name} is not in pipeline ${settings.pipeline}.`);
                }
                outcome.pipeline = { id: wanted.id, name: wanted.name };
            }
        }
        else if (settings.pipeline || needsPipeline) {
            throw new InputError('app', `Input app ${app.name} is in no pipeline${needsPipeline ? `: ${needsPipeline}` : ''}.`);
        }
        core.info(`App: ${app.name}${coupling ? ` (${coupling.stage} in ${outcome.pipeline?.name})` : ''}`);
        return resolvedApp(app, stageOf(coupling));
    }
    if (!settings.pipeline) {
        throw new InputError('app', 'Input app is empty and so is pipeline: set app, or pipeline to use its staging app.');
    }
    const pipeline = await heroku.getPipeline(settings.pipeline);
    outcome.pipeline = { id: pipeline.id, name: pipeline.name };
    const app = await singleStagingApp(heroku, pipeline, await heroku.listCouplings(pipeline.id));
    core.info(`App: ${app.name} (the staging app of ${pipeline.name})`);
    return app;
}
/** The health gate as a phase of the timeline, in its own log group (failed gate = failed phase). */
function gatePhase(c, app, result, releaseVersion, title = `Health gate on ${app.name} v${releaseVersion}`) {
    return phase(c.outcome, 'health', app.name, () => core.group(title, () => gate(c, app, result, releaseVersion, c.settings.health)), (h) => h.passed);
}
/** The pipeline's apps of one stage, resolved to names and URLs. */
async function appsOfStage(heroku, couplings, stage) {
    const wanted = couplings.filter((c) => c.stage === stage);
    return Promise.all(wanted.map(async (c) => resolvedApp(await heroku.getApp(c.app.id), stage)));
}
/** The pipeline's single staging app; zero or several is an input error naming them. */
async function singleStagingApp(heroku, pipeline, couplings) {
    const staging = await appsOfStage(heroku, couplings, 'staging');
    if (staging.length === 1)
        return staging[0];
    const names = staging.map((a) => a.name).join(', ');
    throw new InputError('app', staging.length === 0
        ? `Input app is empty and pipeline ${pipeline.name} has no staging app: set app to the app to use.`
        : `Input app is empty and pipeline ${pipeline.name} has ${staging.length} staging apps (${names}): set app to one of them.`);
}
function stageOf(coupling) {
    return coupling?.stage ?? 'unknown';
}
/**
 * A release as the outcome records it, with its slug's commit when there is a slug. `known`
 * saves the slug read (one API request) when the release carries that very slug.
 */
async function releaseInfo(heroku, app, release, known) {
    const slugId = release.slug?.id ?? undefined;
    let commit;
    if (slugId && known?.commit && known.slugId === slugId) {
        commit = known.commit;
    }
    else if (slugId) {
        commit = (await heroku.getSlug(app, slugId)).commit ?? undefined;
    }
    return { id: release.id, version: release.version, slugId, commit, status: release.status };
}
/**
 * Waits (bounded) for builds and releases still pending on the app, saying so: one deploy at a
 * time per app, and "what was live before" is taken only after them. Returns the newest releases
 * when nothing was pending (still current, so `recordLive` need not list them again), else
 * undefined.
 */
async function waitForPendingWork(c, app) {
    const timeoutMs = c.settings.waitTimeoutSeconds * 1000;
    const [builds, releases] = await Promise.all([
        c.heroku.listBuilds(app.id, 5),
        c.heroku.listReleases(app.id, CURRENT_RELEASE_WINDOW)
    ]);
    const pendingBuilds = builds.filter((b) => b.status === 'pending');
    const pendingReleases = releases.filter((r) => r.status === 'pending');
    for (const build of pendingBuilds) {
        core.info(`Build ${build.id} is still running on ${app.name}: waiting for it before deploying.`);
        const done = await waitUntil(() => c.heroku.getBuild(app.id, build.id), (b) => b.status !== 'pending', { what: `the running build ${build.id} on ${app.name}`, timeoutMs, maxIntervalMs: 5000 });
        core.info(`That build ended ${done.status}.`);
        if (done.release?.id)
            await waitForReleaseEnd(c, app, done.release.id, false);
    }
    for (const release of pendingReleases) {
        core.info(`Release v${release.version} is still pending on ${app.name}: waiting for it.`);
        await waitForReleaseEnd(c, app, release.id, false);
    }
    return pendingBuilds.length === 0 && pendingReleases.length === 0 ? releases : undefined;
}
/**
 * What is live on the app now (its current release), or undefined for an app never released.
 * `newest`: the app's newest releases as just listed (from `waitForPendingWork`), if at hand.
 */
async function recordLive(heroku, app, newest) {
    const current = newest ? pickCurrentRelease(newest) : await heroku.currentRelease(app.id);
    return current ? releaseInfo(heroku, app.id, current) : undefined;
}
/**
 * Follows a release until it leaves `pending`, streaming its release-phase output (prefixed by
 * the app when several apps run at once). Returns the final release and the output's tail.
 */
async function waitForReleaseEnd(c, app, releaseId, stream, prefix) {
    const timeoutMs = c.settings.waitTimeoutSeconds * 1000;
    const first = await c.heroku.getRelease(app.id, releaseId);
    if (first.status !== 'pending') {
        // Already over (a quick release phase, or a slow first poll): the stream still serves the
        // whole output to a late reader, so it is shown all the same.
        if (stream && first.output_stream_url) {
            const done = await streamOutput(first.output_stream_url, {
                onText: lineWriter(prefix),
                timeoutMs: 30000,
                answerTimeoutMs: c.heroku.client.requestTimeoutMs
            });
            return { release: first, tail: done.tail };
        }
        return { release: first, tail: '' };
    }
    const controller = new AbortController();
    const streaming = stream && first.output_stream_url
        ? streamOutput(first.output_stream_url, {
            onText: lineWriter(prefix),
            signal: controller.signal,
            timeoutMs,
            answerTimeoutMs: c.heroku.client.requestTimeoutMs
        })
        : Promise.resolve({ tail: '', completed: false });
    try {
        const release = await waitUntil(() => c.heroku.getRelease(app.id, releaseId), (r) => r.status !== 'pending', {
            what: `release v${first.version} on ${app.name} (release phase)`,
            timeoutMs,
            maxIntervalMs: 3000
        });
        // The stream closes when the release phase ends; give it a moment to deliver the last lines.
        const result = await Promise.race([streaming, delay(2000).then(() => undefined)]);
        controller.abort();
        return { release, tail: result?.tail ?? '' };
    }
    catch (err) {
        controller.abort();
        throw err;
    }
}
/** Writes streamed text to the log, optionally prefixing every line (parallel targets). */
function lineWriter(prefix) {
    if (!prefix)
        return (text) => process.stdout.write(text);
    let pending = '';
    return (text) => {
        pending += text;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines)
            process.stdout.write(`[${prefix}] ${line}\n`);
    };
}
function delay(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
/** The health gate for one app on one release, recording probes into the app's result. */
async function gate(c, app, result, releaseVersion, check, prefix) {
    const say = (msg) => core.info(prefix ? `[${prefix}] ${msg}` : msg);
    const health = await runHealthGate({ dynos: c.heroku }, app.id, releaseVersion, app.webUrl, check, {
        onDynos: (summary) => say(`dynos: ${summary}`),
        onProbe: (p) => say(`probe: ${p.status ?? 'no answer'} in ${p.latencyMs} ms${p.ok ? ' (pass)' : ''}${p.error ? ` (${p.error})` : ''}`)
    });
    result.health = health;
    if (!health.checked)
        say('No health-check configured: only the web dynos were checked.');
    return health;
}
/**
 * Rolls the app back to exactly `to` (the release live before this run), waits for it and gates
 * it again. Records the result; never throws for a failed re-gate (the caller already fails).
 */
async function rollbackTo(c, app, result, to, check, prefix) {
    const say = (msg) => core.info(prefix ? `[${prefix}] ${msg}` : msg);
    // Only this run's own release is rolled back: when another deploy or promotion has released
    // on top of it meanwhile, a rollback would undo that one instead.
    const current = await c.heroku.currentRelease(app.id);
    if (current && result.release && current.id !== result.release.id) {
        result.liveAfter = await releaseInfo(c.heroku, app.id, current);
        say(`Not rolling ${app.name} back: v${current.version} has replaced this run's v${result.release.version} meanwhile (another deploy or promotion?), and a rollback would undo it.`);
        return;
    }
    say(`Rolling ${app.name} back to v${to.version} (the release live before this run).`);
    const created = await c.heroku.rollback(app.id, to.id);
    result.rolledBack = true;
    const { release, tail } = await waitForReleaseEnd(c, app, created.id, true, prefix);
    if (release.status !== 'succeeded') {
        result.healthyAfterRollback = false;
        result.liveAfter = result.before;
        say(`The rollback release v${release.version} ended ${release.status}.${tail ? `\n${tail}` : ''}`);
        return;
    }
    const info = await releaseInfo(c.heroku, app.id, release);
    result.liveAfter = info;
    const health = await runHealthGate({ dynos: c.heroku }, app.id, release.version, app.webUrl, check, {
        onProbe: (p) => say(`re-gate probe: ${p.status ?? 'no answer'}${p.ok ? ' (pass)' : ''}`)
    });
    result.healthyAfterRollback = health.passed;
    say(health.passed
        ? `${app.name} is healthy again on v${release.version} (code of v${to.version}).`
        : `${app.name} is still unhealthy after the rollback: ${health.reason ?? 'gate failed'}`);
}
/** One sentence for a failed gate. */
function gateFailure(app, releaseVersion, health) {
    return new DeployError(`${app.name} v${releaseVersion} failed its health gate: ${health.reason ?? 'not healthy'}`, probeTail(health));
}
function probeTail(health) {
    const failing = health.probes.filter((p) => !p.ok).slice(-5);
    if (failing.length === 0)
        return undefined;
    return failing
        .map((p) => `${new Date(p.at).toISOString()} ${p.status ?? '-'} ${p.error ?? ''} ${p.bodyExcerpt ?? ''}`.trim())
        .join('\n');
}

;// CONCATENATED MODULE: ./src/commands/deploy.ts
/**
 * `deploy`: package the source, build it on the app, follow the build and its release (release
 * phase included), health-gate it and roll back precisely on failure. With `promote: true` the
 * verified release goes on to `promote`.
 */






async function deploy(c) {
    const { settings, outcome } = c;
    const app = await groupedPhase(outcome, 'resolve', 'Resolve the app', undefined, () => resolveDeployApp(c));
    const result = newAppResult(app);
    outcome.app = result;
    await core.group(`What is live on ${app.name}`, async () => {
        const newest = await waitForPendingWork(c, app);
        result.before = await recordLive(c.heroku, app, newest);
        core.info(result.before
            ? `Live before this run: v${result.before.version} (commit ${result.before.commit ?? 'unknown'}).`
            : `${app.name} has no release yet.`);
    });
    const alreadyLive = result.before?.status === 'succeeded' &&
        result.before.commit === settings.version &&
        settings.version !== '';
    if (settings.dryRun) {
        outcome.plan = [
            `Deploy ${settings.version || 'the workspace'} to ${app.name} (${app.stage}) with method ${settings.method}` +
                (alreadyLive ? ': already live, the build would be skipped' : ''),
            `Live now: ${result.before ? `v${result.before.version}` : 'nothing'}`,
            settings.health.target
                ? `Health gate: ${settings.health.target}`
                : 'No health gate configured',
            ...(settings.promote ? ['Then promote the verified release (see below).'] : [])
        ];
        outcome.status = 'planned';
        return {
            app,
            release: result.before ?? { id: '', version: 0, slugId: undefined, commit: undefined }
        };
    }
    await c.reporter.deploymentStarted(result, app.stage, false, app.stage === 'production');
    await c.reporter.progress(outcome);
    let release;
    /** The slug this run built and its commit (the build's source version): no slug read. */
    let built;
    if (alreadyLive && result.before) {
        core.info(`${app.name} already runs ${settings.version} (v${result.before.version}): skipping packaging and the build; checking its health.`);
        outcome.notes.push(`The build was skipped: v${result.before.version} already runs ${settings.version}.`);
        release = await c.heroku.getRelease(app.id, result.before.id);
    }
    else {
        if (Object.keys(settings.configVars).length > 0)
            await applyConfigVars(c, app);
        const build = await buildSource(c, app, result);
        release = await followBuildRelease(c, app, result, build);
        built = { slugId: build.slug?.id, commit: build.source_blob.version };
    }
    result.release = await releaseInfo(c.heroku, app.id, release, built);
    await c.reporter.progress(outcome);
    const health = await gatePhase(c, app, result, release.version);
    if (!health.passed) {
        const failure = gateFailure(app, release.version, health);
        if (settings.rollbackOnFailure && result.before && result.before.id !== release.id) {
            const before = result.before;
            await phase(outcome, 'rollback', app.name, () => core.group(`Roll back ${app.name}`, () => rollbackTo(c, app, result, before, settings.health)));
        }
        else {
            result.liveAfter = result.release;
            if (!settings.rollbackOnFailure)
                core.info('rollback-on-failure is false: the failing release stays live.');
        }
        result.error = failure.message;
        result.endedAt = Date.now();
        throw failure;
    }
    result.liveAfter = result.release;
    result.endedAt = Date.now();
    outcome.status = 'deployed';
    core.info(`${app.name} v${release.version} is live and healthy.`);
    if (settings.promote)
        await c.reporter.deploymentVerified(result);
    return { app, release: result.release };
}
function resolveDeployApp(c) {
    return resolveAppInput(c, c.settings.promote ? 'it cannot be promoted from' : undefined);
}
/** PATCHes the config vars and waits for the release the change creates. */
async function applyConfigVars(c, app) {
    const keys = Object.keys(c.settings.configVars);
    await groupedPhase(c.outcome, 'config-vars', `Set config vars on ${app.name}`, app.name, async () => {
        const current = await c.heroku.getConfigVars(app.id);
        const changed = keys.filter((k) => current[k] !== c.settings.configVars[k]);
        if (changed.length === 0) {
            core.info(`Config vars ${keys.join(', ')} already have these values: nothing to change.`);
            return;
        }
        const before = (await c.heroku.listReleases(app.id, 1))[0];
        const update = {};
        for (const k of changed)
            update[k] = c.settings.configVars[k];
        await c.heroku.setConfigVars(app.id, update);
        core.info(`Set ${changed.join(', ')} (values masked).`);
        // The change makes a release of its own (release phase included): wait for it.
        const newest = await waitUntil(() => c.heroku.listReleases(app.id, 1), (list) => list.length > 0 && list[0].version > (before?.version ?? 0), { what: `the config-var release on ${app.name}`, timeoutMs: 30000, maxIntervalMs: 2000 });
        const { release, tail } = await waitForReleaseEnd(c, app, newest[0].id, true);
        if (release.status !== 'succeeded') {
            throw new DeployError(`The config-var change on ${app.name} made release v${release.version}, which ended ${release.status}; nothing was built.`, tail);
        }
    });
}
/** Packages and uploads the source (or pushes it with git), creates the build, streams its log. */
async function buildSource(c, app, result) {
    const { settings, ctx, outcome } = c;
    if (settings.method === 'git') {
        const pushed = await groupedPhase(outcome, 'upload', `Push to ${app.name} with git`, app.name, () => {
            if (!app.gitUrl)
                throw new DeployError(`${app.name} has no git_url: use method build.`);
            return pushToGitUrl({
                sourceDir: settings.sourceDir,
                gitUrl: app.gitUrl,
                apiKey: settings.herokuApiKey,
                sha: ctx.sha
            });
        });
        return groupedPhase(outcome, 'build', `Build on ${app.name}`, app.name, async () => {
            const build = await waitUntil(async () => (await c.heroku.listBuilds(app.id, 5)).find((b) => b.source_blob.version === pushed.commit), (b) => b !== undefined, { what: `the build of the git push on ${app.name}`, timeoutMs: 60000, maxIntervalMs: 2000 });
            if (!build)
                throw new DeployError('The git push created no build.');
            return finishBuild(c, app, result, build);
        });
    }
    const tarball = await groupedPhase(outcome, 'package', 'Package the source', settings.sourceDir, async () => {
        const packaged = await packageInTempDir(c);
        core.info(`${packaged.fileCount} files, ${packaged.bytes} bytes, ${packaged.checksum}`);
        return packaged;
    });
    try {
        const source = await groupedPhase(outcome, 'upload', 'Upload the source', app.name, async () => {
            const created = await c.heroku.createSource();
            core.setSecret(created.source_blob.get_url);
            core.setSecret(created.source_blob.put_url);
            await c.heroku.uploadSource(created.source_blob.put_url, tarball.path, tarball.bytes);
            core.info(`Uploaded ${tarball.bytes} bytes.`);
            return created;
        });
        return await groupedPhase(outcome, 'build', `Build on ${app.name}`, app.name, async () => {
            const description = await commitSubject(settings.sourceDir, ctx.sha);
            const buildpacks = settings.buildpacks.length > 0
                ? settings.buildpacks.map((b) => (/^https?:\/\//.test(b) ? { url: b } : { name: b }))
                : undefined;
            const build = await c.heroku.createBuild(app.id, {
                source_blob: {
                    url: source.source_blob.get_url,
                    version: settings.version || null,
                    version_description: description ?? null,
                    checksum: tarball.checksum
                },
                ...(buildpacks ? { buildpacks } : {})
            }, new Date());
            return finishBuild(c, app, result, build);
        });
    }
    finally {
        await tarball.cleanup();
    }
}
/** Streams the build's output and reads its final status from the API. */
async function finishBuild(c, app, result, build) {
    result.buildId = build.id;
    result.buildStatus = build.status;
    core.info(`Build ${build.id} started.`);
    let tail = '';
    let streamEnded = false;
    if (build.output_stream_url) {
        const streamed = await streamOutput(build.output_stream_url, {
            onText: lineWriter(),
            timeoutMs: c.settings.waitTimeoutSeconds * 1000,
            answerTimeoutMs: c.heroku.client.requestTimeoutMs
        });
        tail = streamed.tail;
        streamEnded = streamed.completed;
    }
    const done = await waitUntil(() => c.heroku.getBuild(app.id, build.id), (b) => b.status !== 'pending', {
        what: `build ${build.id} on ${app.name}`,
        timeoutMs: c.settings.waitTimeoutSeconds * 1000,
        // The log ends a moment before the status changes: look after that moment, then often.
        initialDelayMs: streamEnded ? 100 : 0,
        minIntervalMs: streamEnded ? 150 : undefined,
        maxIntervalMs: 3000
    });
    result.buildStatus = done.status;
    if (done.status !== 'succeeded') {
        result.liveAfter = result.before;
        throw new DeployError(`The build on ${app.name} failed${result.before ? `; v${result.before.version} is still live` : ''}.`, tail);
    }
    return done;
}
/** Finds the build's release and follows it through the release phase. */
async function followBuildRelease(c, app, result, build) {
    return groupedPhase(c.outcome, 'release-phase', `Release on ${app.name}`, app.name, async () => {
        const withRelease = build.release?.id
            ? build
            : await waitUntil(() => c.heroku.getBuild(app.id, build.id), (b) => Boolean(b.release?.id), { what: `the release of build ${build.id}`, timeoutMs: 60000, maxIntervalMs: 2000 });
        const releaseId = withRelease.release?.id;
        if (!releaseId)
            throw new DeployError(`Build ${build.id} made no release.`);
        const { release, tail } = await waitForReleaseEnd(c, app, releaseId, true);
        if (release.status !== 'succeeded') {
            result.release = await releaseInfo(c.heroku, app.id, release);
            result.liveAfter = result.before;
            throw new DeployError(`Release v${release.version} on ${app.name} ${release.status === 'failed' ? 'failed its release phase' : `ended ${release.status}`}; ` +
                (result.before ? `v${result.before.version} is still live.` : 'nothing is live.'), tail);
        }
        core.info(`Release v${release.version} succeeded.`);
        return release;
    });
}

;// CONCATENATED MODULE: ./src/commands/promote.ts
/**
 * `promote`: promote exactly one source release (the one a deploy verified, the `release` input,
 * or the source's current one) to the targets through a pipeline promotion naming that release;
 * follow and gate every target in parallel; roll back precisely the targets that fail.
 */




async function promote(c, verified) {
    const { settings, outcome } = c;
    const { source, targets } = await groupedPhase(outcome, 'resolve', 'Resolve the promotion', undefined, () => resolvePromotion(c, verified));
    // The release to promote: the verified one, the `release` input, or the source's current one.
    let chosen;
    if (verified) {
        chosen = verified.release;
    }
    else {
        const sourceResult = newAppResult(source);
        outcome.app = sourceResult;
        chosen = await chooseRelease(c, source, sourceResult);
    }
    await core.group('What is live on the targets', async () => {
        await Promise.all(targets.map(async (t) => {
            t.result.before = await recordLive(c.heroku, t.app);
            core.info(`${t.app.name}: ${t.result.before ? `v${t.result.before.version}` : 'no release yet'}`);
        }));
    });
    outcome.targets = targets.map((t) => t.result);
    if (settings.dryRun) {
        outcome.plan = [
            ...(outcome.plan ?? []),
            `Promote ${source.name} v${chosen.version} (slug ${chosen.slugId ?? 'unknown'}, commit ${chosen.commit ?? 'unknown'})`,
            ...targets.map((t) => `  to ${t.app.name}: now ${t.result.before ? `v${t.result.before.version} (commit ${t.result.before.commit ?? 'unknown'})` : 'no release'}` +
                (t.health.target ? `, gate ${t.health.target}` : ', no health gate'))
        ];
        outcome.status = 'planned';
        return;
    }
    if (!chosen.slugId)
        throw new DeployError(`${source.name} v${chosen.version} has no slug to promote.`);
    await Promise.all(targets.map((t) => c.reporter.deploymentStarted(t.result, t.app.stage, false, t.app.stage === 'production')));
    await c.reporter.progress(outcome);
    const pipelineId = outcome.pipeline?.id;
    if (!pipelineId)
        throw new DeployError(`${source.name} is in no pipeline.`);
    // Every target in parallel, each as soon as its release exists: release phase (streamed,
    // prefixed by the app), slug check, dynos, health; roll back what fails.
    const failures = [];
    const verify = async (t, state) => {
        try {
            await verifyTarget(c, t, chosen, state);
        }
        catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            t.result.error = message;
            failures.push(message);
            if (err instanceof DeployError && err.logTail && !outcome.logTail)
                outcome.logTail = err.logTail;
        }
        finally {
            t.result.endedAt = Date.now();
        }
    };
    await core.group(`Promote ${source.name} v${chosen.version} to ${targets.map((t) => t.app.name).join(', ')}`, async () => {
        const promotion = await createPromotion(c, pipelineId, source, chosen, targets);
        outcome.promotionId = promotion.id || undefined;
        await followPromotion(c, promotion.id, targets, verify);
    });
    await c.reporter.progress(outcome);
    if (failures.length > 0) {
        const rolled = targets.filter((t) => t.result.rolledBack).map((t) => t.app.name);
        throw new DeployError(`${failures.length} of ${targets.length} target(s) failed: ${failures.join(' ')}` +
            (rolled.length ? ` Rolled back: ${rolled.join(', ')}.` : ''));
    }
    outcome.status = 'promoted';
}
async function resolvePromotion(c, verified) {
    const { settings, heroku, outcome } = c;
    // After a deploy the source (and its pipeline) is known and checked already.
    const source = verified ? verified.app : await resolveAppInput(c, 'nothing to promote to');
    if (!outcome.pipeline)
        throw new InputError('app', `${source.name} is in no pipeline: nothing to promote to.`);
    const couplings = await heroku.listCouplings(outcome.pipeline.id);
    const pipelineName = outcome.pipeline.name;
    let targets;
    if (settings.targets.length === 0) {
        const production = await appsOfStage(heroku, couplings, 'production');
        if (production.length === 0) {
            throw new InputError('targets', `Input targets is empty and pipeline ${pipelineName} has no production app.`);
        }
        targets = production.map((app) => ({ app, health: settings.health, result: newAppResult(app) }));
    }
    else {
        targets = await Promise.all(settings.targets.map(async (t) => {
            const app = await heroku.getApp(t.app).catch((err) => {
                throw new InputError('targets', `Target ${t.app} could not be read: ${String(err.message)}`);
            });
            const coupling = couplings.find((cp) => cp.app.id === app.id);
            if (!coupling)
                throw new InputError('targets', `Target ${app.name} is not in pipeline ${pipelineName}.`);
            const resolved = resolvedApp(app, stageOf(coupling));
            return { app: resolved, health: t.health, result: newAppResult(resolved) };
        }));
    }
    const ids = new Set();
    for (const t of targets) {
        if (t.app.id === source.id) {
            throw new InputError('targets', `Target ${t.app.name} is the source app itself: an app cannot be promoted to itself.`);
        }
        if (ids.has(t.app.id))
            throw new InputError('targets', `Target ${t.app.name} is named twice.`);
        ids.add(t.app.id);
    }
    core.info(`Source: ${source.name}; targets: ${targets.map((t) => `${t.app.name} (${t.app.stage})`).join(', ')}`);
    return { source, targets };
}
/** The `release` input, or the source's current release (gated first when a health check is set). */
async function chooseRelease(c, source, result) {
    const { settings, heroku } = c;
    let release;
    if (settings.release) {
        const ref = 'id' in settings.release ? settings.release.id : settings.release.version;
        release = await heroku.getRelease(source.id, ref).catch((err) => {
            throw new InputError('release', `Release ${String(ref)} of ${source.name} could not be read: ${err.message}`);
        });
        if (release.status !== 'succeeded') {
            throw new InputError('release', `Release v${release.version} of ${source.name} is ${release.status}, not succeeded.`);
        }
    }
    else {
        const current = await heroku.currentRelease(source.id);
        if (!current)
            throw new DeployError(`${source.name} has no release to promote.`);
        if (current.status !== 'succeeded') {
            throw new DeployError(`${source.name}'s current release v${current.version} is ${current.status}: not promoting it.`);
        }
        release = current;
    }
    const info = await releaseInfo(heroku, source.id, release);
    result.release = info;
    result.before = info;
    result.liveAfter = info;
    core.info(`Promoting ${source.name} v${info.version} (commit ${info.commit ?? 'unknown'}).`);
    // Without an explicit release, the source's current release is what we vouch for: gate it.
    if (!settings.release && settings.health.target && !settings.dryRun) {
        const health = await gatePhase(c, source, result, info.version, `Health gate on the source ${source.name} v${info.version}`);
        if (!health.passed)
            throw gateFailure(source, info.version, health);
    }
    return info;
}
/**
 * Creates the promotion naming the chosen release. A lost answer is checked from the targets (a
 * new release carrying the promoted slug) before any retry: there is no list of promotions.
 * Returns an empty id when the promotion was found to have arrived without its answer.
 */
async function createPromotion(c, pipelineId, source, chosen, targets) {
    const promotion = await c.heroku.createPromotion({
        pipelineId,
        sourceAppId: source.id,
        releaseId: chosen.id,
        targetAppIds: targets.map((t) => t.app.id)
    }, async () => {
        const arrived = await Promise.all(targets.map((t) => newReleaseWithSlug(c, t, chosen.slugId)));
        if (arrived.every((r) => r !== undefined)) {
            core.info('The promotion request lost its answer, but every target has the new release: not promoting again.');
            return { id: '', status: 'completed' };
        }
        return undefined;
    });
    if (promotion.id)
        core.info(`Promotion ${promotion.id} created.`);
    return promotion;
}
/**
 * Polls the promotion's targets (one request for all of them) and starts verifying each target
 * as soon as its release exists, so release phases stream live and gates run in parallel.
 */
async function followPromotion(c, promotionId, targets, verify) {
    const started = new Map();
    const byId = new Map(targets.map((t) => [t.app.id, t]));
    const start = (t, state) => {
        if (!started.has(t.app.id))
            started.set(t.app.id, verify(t, state));
    };
    if (promotionId) {
        await phase(c.outcome, 'promotion', `${targets.length} target(s)`, () => waitUntil(async () => {
            const list = await c.heroku.listPromotionTargets(promotionId);
            for (const state of list) {
                const t = byId.get(state.app.id);
                if (t && (state.release?.id || state.status !== 'pending'))
                    start(t, state);
            }
            return list;
        }, (list) => list.length > 0 && list.every((t) => t.status !== 'pending'), {
            what: `promotion ${promotionId}`,
            timeoutMs: c.settings.waitTimeoutSeconds * 1000,
            // The targets' releases take a moment to appear: a poll right away finds none.
            initialDelayMs: 500,
            maxIntervalMs: 3000
        }));
    }
    for (const t of targets)
        start(t, undefined);
    await Promise.all(started.values());
}
/** The target's newest release if it is newer than the recorded one and carries `slugId`. */
async function newReleaseWithSlug(c, t, slugId) {
    const newest = (await c.heroku.listReleases(t.app.id, 1))[0];
    if (!newest || newest.version <= (t.result.before?.version ?? 0))
        return undefined;
    return newest.slug?.id === slugId ? newest : undefined;
}
async function verifyTarget(c, t, chosen, state) {
    const { outcome } = c;
    const name = t.app.name;
    let releaseId = state?.release?.id;
    if (!releaseId) {
        const found = await newReleaseWithSlug(c, t, chosen.slugId);
        releaseId = found?.id;
    }
    if (state?.status === 'failed' && !releaseId) {
        t.result.liveAfter = t.result.before;
        throw new DeployError(`${name}: the promotion failed: ${state.error_message ?? 'no reason given'}.`);
    }
    if (!releaseId) {
        t.result.liveAfter = t.result.before;
        throw new DeployError(`${name}: the promotion made no release.`);
    }
    const { release, tail } = await phase(outcome, 'release-phase', name, () => waitForReleaseEnd(c, t.app, releaseId, true, name));
    // The promoted slug's commit is known: the slug is read only if the release carries another.
    t.result.release = await releaseInfo(c.heroku, t.app.id, release, {
        slugId: chosen.slugId,
        commit: chosen.commit
    });
    if (release.status !== 'succeeded') {
        t.result.liveAfter = t.result.before;
        throw new DeployError(`${name}: release v${release.version} ${release.status === 'failed' ? 'failed its release phase' : `ended ${release.status}`}` +
            `${state?.error_message ? ` (${state.error_message})` : ''}; ${t.result.before ? `v${t.result.before.version} is still live` : 'nothing is live'}.`, tail);
    }
    if (t.result.release.slugId !== chosen.slugId) {
        // Never vouch for something we did not verify: say so loudly and treat it as a failure.
        const err = new DeployError(`${name}: release v${release.version} carries slug ${t.result.release.slugId ?? 'none'}, not the promoted slug ${chosen.slugId}.`);
        await rollbackIfWanted(c, t, err);
        throw err;
    }
    const health = await phase(outcome, 'health', name, () => gate(c, t.app, t.result, release.version, t.health, name), (h) => h.passed);
    if (!health.passed) {
        const err = gateFailure(t.app, release.version, health);
        await rollbackIfWanted(c, t, err);
        throw err;
    }
    t.result.liveAfter = t.result.release;
    core.info(`[${name}] v${release.version} is live and healthy.`);
}
async function rollbackIfWanted(c, t, err) {
    t.result.error = err.message;
    if (!c.settings.rollbackOnFailure || !t.result.before) {
        t.result.liveAfter = t.result.release;
        return;
    }
    const before = t.result.before;
    await phase(c.outcome, 'rollback', t.app.name, () => rollbackTo(c, t.app, t.result, before, t.health, t.app.name));
}

;// CONCATENATED MODULE: ./src/commands/review-app.ts
/**
 * `review-app`: create the PR's review app from its head commit, or build the new commit onto the
 * existing one; wait until created and released; gate it. On `closed`: delete it.
 * `review-app-sweep`: delete the review apps of closed PRs (and, optionally, old ones).
 */






const GONE = new Set(['deleted', 'errored']);
const IN_PROGRESS = new Set(['pending', 'creating']);
async function reviewApp(c) {
    const { settings, ctx, heroku, outcome } = c;
    const pr = ctx.pullRequest;
    if (!pr) {
        throw new InputError('command', 'command review-app needs a pull_request or pull_request_target event with a pull request in its payload.');
    }
    if (ctx.eventName === 'pull_request_target') {
        core.warning('This workflow runs on pull_request_target: it has the repository secrets, so never check out and build pull-request code in it unless you trust that code.');
    }
    if (pr.headRepoFullName && pr.baseRepoFullName && pr.headRepoFullName !== pr.baseRepoFullName) {
        core.notice(`Pull request #${pr.number} comes from the fork ${pr.headRepoFullName}: no review app, because Heroku would run its code with the pipeline's config vars. ` +
            'To deploy it deliberately, push its commits to a branch of this repository and open a pull request from there.');
        outcome.notes.push(`Pull request #${pr.number} is from a fork (${pr.headRepoFullName}): skipped.`);
        outcome.status = 'skipped';
        return;
    }
    if (!settings.pipeline)
        throw new InputError('pipeline', 'command review-app needs the pipeline input.');
    const pipeline = await groupedPhase(outcome, 'resolve', 'Resolve the pipeline', undefined, () => heroku.getPipeline(settings.pipeline ?? ''));
    outcome.pipeline = { id: pipeline.id, name: pipeline.name };
    const findForPr = async () => {
        const all = (await heroku.listReviewApps(pipeline.id)).filter((r) => r.pr_number === pr.number);
        all.sort((a, b) => b.created_at.localeCompare(a.created_at));
        return all.find((r) => !GONE.has(r.status)) ?? all[0];
    };
    if (pr.action === 'closed') {
        await phase(outcome, 'review-app', 'delete', () => deleteReviewApp(c, pr.number, findForPr));
        return;
    }
    let existing = await findForPr();
    outcome.reviewApp = existing
        ? { id: existing.id, prNumber: pr.number, branch: pr.headRef, status: existing.status }
        : undefined;
    if (settings.dryRun) {
        outcome.plan = [
            existing && !GONE.has(existing.status)
                ? `Build ${settings.version} onto review app ${existing.id} (${existing.status}) of PR #${pr.number}`
                : `Create a review app for PR #${pr.number} (${pr.headRef}) from ${settings.version}`,
            settings.health.target
                ? `Health gate: ${settings.health.target}`
                : 'No health gate configured'
        ];
        outcome.status = 'planned';
        return;
    }
    let created = false;
    if (!existing || GONE.has(existing.status)) {
        existing = await phase(outcome, 'review-app', 'create', () => createReviewApp(c, pipeline.id, findForPr));
        created = true;
    }
    outcome.reviewApp = {
        id: existing.id,
        prNumber: pr.number,
        branch: pr.headRef,
        status: existing.status
    };
    const ready = await waitForCreated(c, existing);
    outcome.reviewApp.status = ready.status;
    const appId = ready.app?.id;
    if (!appId)
        throw new DeployError(`Review app ${ready.id} has no app.`);
    const app = resolvedApp(await heroku.getApp(appId), 'review');
    const result = newAppResult(app);
    outcome.app = result;
    await c.reporter.deploymentStarted(result, reviewAppEnvironmentName(settings.reviewAppEnvironment, pr.number), true, false);
    await c.reporter.progress(outcome);
    await waitForPendingWork(c, app);
    let live = await recordLive(heroku, app);
    if (!created && live?.commit !== settings.version) {
        result.before = live;
        if (Object.keys(settings.configVars).length > 0) {
            await heroku.setConfigVars(app.id, settings.configVars);
        }
        const build = await buildSource(c, app, result);
        const release = await followBuildRelease(c, app, result, build);
        live = await releaseInfo(heroku, app.id, release);
    }
    else if (!created) {
        core.info(`Review app ${app.name} already runs ${settings.version}: no new build.`);
    }
    if (!live)
        throw new DeployError(`Review app ${app.name} has no release.`);
    result.release = live;
    result.liveAfter = live;
    const health = await gatePhase(c, app, result, live.version);
    if (!health.passed)
        throw gateFailure(app, live.version, health);
    result.endedAt = Date.now();
    outcome.status = 'review-app-ready';
}
async function createReviewApp(c, pipelineId, findForPr) {
    const { settings, ctx, heroku } = c;
    const pr = ctx.pullRequest;
    const since = Date.now();
    const tarball = await groupedPhase(c.outcome, 'package', 'Package the source', settings.sourceDir, async () => {
        const packaged = await packageInTempDir(c);
        core.info(`${packaged.fileCount} files, ${packaged.bytes} bytes`);
        return packaged;
    });
    try {
        const source = await groupedPhase(c.outcome, 'upload', 'Upload the source', undefined, async () => {
            const made = await heroku.createSource();
            core.setSecret(made.source_blob.get_url);
            core.setSecret(made.source_blob.put_url);
            await heroku.uploadSource(made.source_blob.put_url, tarball.path, tarball.bytes);
            return made;
        });
        // A lost answer is looked for among the pipeline's review apps before any retry.
        const findNew = async () => {
            const found = await findForPr();
            return found && !GONE.has(found.status) && Date.parse(found.created_at) >= since - 120000
                ? found
                : undefined;
        };
        try {
            const made = await heroku.createReviewApp({
                branch: pr.headRef,
                pr_number: pr.number,
                pipeline: pipelineId,
                source_blob: { url: source.source_blob.get_url, version: settings.version },
                environment: Object.keys(settings.reviewAppEnv).length > 0 ? settings.reviewAppEnv : null
            }, findNew);
            core.info(`Review app ${made.id} is ${made.status}.`);
            return made;
        }
        catch (err) {
            if (err instanceof HerokuApiError && err.status === 409) {
                const adopted = await findForPr();
                if (adopted && !GONE.has(adopted.status)) {
                    core.info(`A review app for PR #${pr.number} already exists (${adopted.id}): using it.`);
                    return adopted;
                }
            }
            throw err;
        }
    }
    finally {
        await tarball.cleanup();
    }
}
/** Polls until the review app is `created` with an app (or fails on `errored`). */
async function waitForCreated(c, reviewApp) {
    return groupedPhase(c.outcome, 'review-app', `Wait for review app ${reviewApp.id}`, 'created', async () => {
        const done = await waitUntil(() => c.heroku.getReviewApp(reviewApp.id), (r) => (r.status === 'created' && Boolean(r.app?.id)) ||
            (!IN_PROGRESS.has(r.status) && r.status !== 'created'), {
            what: `review app ${reviewApp.id} to be created`,
            timeoutMs: c.settings.waitTimeoutSeconds * 1000,
            maxIntervalMs: 5000,
            onPoll: (r) => core.debug(`review app ${r.id}: ${r.status}`)
        });
        if (done.status !== 'created') {
            throw new DeployError(`Review app ${done.id} ended ${done.status}: ${done.message || done.error_status || 'Heroku gave no reason'}`);
        }
        core.info(`Review app ${done.id} is created.`);
        // Creation builds and releases the app: follow that release through its release phase.
        const app = resolvedApp(await c.heroku.getApp(done.app.id), 'review');
        const current = (await c.heroku.listReleases(app.id, 1))[0];
        if (current?.status === 'pending')
            await waitForReleaseEnd(c, app, current.id, true);
        return done;
    });
}
async function deleteReviewApp(c, prNumber, findForPr) {
    const { heroku, outcome } = c;
    const found = await findForPr();
    if (!found || found.status === 'deleted') {
        core.info(`PR #${prNumber} has no review app: nothing to delete.`);
        outcome.status = 'review-app-deleted';
        outcome.notes.push(`PR #${prNumber} had no review app left to delete.`);
        return;
    }
    outcome.reviewApp = { id: found.id, prNumber, branch: found.branch, status: found.status };
    if (c.settings.dryRun) {
        outcome.plan = [`Delete review app ${found.id} of PR #${prNumber}`];
        outcome.status = 'planned';
        return;
    }
    if (IN_PROGRESS.has(found.status)) {
        core.info(`Review app ${found.id} is still ${found.status}: waiting for it before deleting.`);
        await waitUntil(() => heroku.getReviewApp(found.id), (r) => !IN_PROGRESS.has(r.status), { what: `review app ${found.id}`, timeoutMs: c.settings.waitTimeoutSeconds * 1000 });
    }
    await heroku.deleteReviewApp(found.id);
    const gone = await waitUntil(() => heroku.getReviewApp(found.id).catch((err) => {
        if (err instanceof HerokuApiError && err.status === 404)
            return undefined;
        throw err;
    }), (r) => r === undefined || r.status === 'deleted', {
        what: `review app ${found.id} to be deleted`,
        timeoutMs: c.settings.waitTimeoutSeconds * 1000
    });
    outcome.reviewApp.status = gone?.status ?? 'deleted';
    core.info(`Review app ${found.id} of PR #${prNumber} is deleted.`);
    outcome.status = 'review-app-deleted';
}
async function reviewAppSweep(c) {
    const { settings, heroku, outcome } = c;
    if (!settings.pipeline)
        throw new InputError('pipeline', 'command review-app-sweep needs the pipeline input.');
    const pipeline = await heroku.getPipeline(settings.pipeline);
    outcome.pipeline = { id: pipeline.id, name: pipeline.name };
    const entries = [];
    outcome.sweep = entries;
    await phase(outcome, 'sweep', pipeline.name, async () => {
        const apps = (await heroku.listReviewApps(pipeline.id)).filter((r) => r.status !== 'deleted' && r.status !== 'deleting');
        const maxAgeMs = settings.reviewAppMaxAgeDays * 86400000;
        for (const r of apps) {
            let reason;
            if (maxAgeMs > 0 && Date.now() - Date.parse(r.created_at) > maxAgeMs) {
                reason = `older than ${settings.reviewAppMaxAgeDays} day(s)`;
            }
            else if (r.pr_number !== null && c.github) {
                try {
                    const pull = await c.github.getPull(r.pr_number);
                    if (pull.state === 'closed')
                        reason = `PR #${r.pr_number} is closed`;
                }
                catch (err) {
                    core.warning(`Could not ask GitHub about PR #${r.pr_number}: ${err.message}; keeping its review app.`);
                }
            }
            const entry = {
                reviewAppId: r.id,
                prNumber: r.pr_number ?? undefined,
                branch: r.branch,
                action: reason ? (settings.dryRun ? 'would-delete' : 'deleted') : 'kept',
                reason: reason ?? (r.pr_number !== null ? `PR #${r.pr_number} is open` : 'no pull request number')
            };
            if (reason && !settings.dryRun) {
                await heroku.deleteReviewApp(r.id);
                core.info(`Deleted review app ${r.id} (${entry.reason}).`);
            }
            else {
                core.info(`${reason ? 'Would delete' : 'Kept'} review app ${r.id} (${entry.reason}).`);
            }
            entries.push(entry);
        }
    });
    if (!c.github)
        outcome.notes.push('No github-token: pull request states could not be checked.');
    outcome.status = settings.dryRun ? 'planned' : 'review-app-deleted';
}

;// CONCATENATED MODULE: ./src/commands/rollback.ts
/**
 * `rollback`: roll `app` back to `release` (default: the newest succeeded release before the
 * current one), wait for it, health-gate it.
 */



async function rollback(c) {
    const { settings, heroku, outcome } = c;
    const app = await groupedPhase(outcome, 'resolve', 'Resolve the app', undefined, () => resolveApp(c));
    const result = newAppResult(app);
    outcome.app = result;
    const newest = await waitForPendingWork(c, app);
    result.before = await recordLive(heroku, app, newest);
    if (!result.before)
        throw new DeployError(`${app.name} has no release: nothing to roll back.`);
    const target = await chooseTarget(c, app, result.before.id);
    const targetInfo = await releaseInfo(heroku, app.id, target);
    if (settings.dryRun) {
        outcome.plan = [
            `Roll ${app.name} back from v${result.before.version} to v${target.version} (commit ${targetInfo.commit ?? 'unknown'})`
        ];
        outcome.status = 'planned';
        return;
    }
    await c.reporter.deploymentStarted(result, app.stage, false, app.stage === 'production');
    const created = await phase(outcome, 'rollback', app.name, async () => {
        core.info(`Rolling ${app.name} back to v${target.version}.`);
        const made = await heroku.rollback(app.id, target.id);
        const { release, tail } = await waitForReleaseEnd(c, app, made.id, true);
        if (release.status !== 'succeeded') {
            result.liveAfter = result.before;
            throw new DeployError(`The rollback release v${release.version} on ${app.name} ended ${release.status}; v${result.before?.version} is still live.`, tail);
        }
        return release;
    });
    result.release = await releaseInfo(heroku, app.id, created);
    result.rolledBack = true;
    const health = await gatePhase(c, app, result, created.version);
    result.liveAfter = result.release;
    result.healthyAfterRollback = health.passed;
    if (!health.passed)
        throw gateFailure(app, created.version, health);
    outcome.status = 'rolled-back';
}
function resolveApp(c) {
    return resolveAppInput(c, undefined);
}
async function chooseTarget(c, app, currentId) {
    const { settings, heroku } = c;
    if (settings.release) {
        const ref = 'id' in settings.release ? settings.release.id : settings.release.version;
        const release = await heroku.getRelease(app.id, ref).catch((err) => {
            throw new InputError('release', `Release ${String(ref)} of ${app.name} could not be read: ${err.message}`);
        });
        if (release.id === currentId)
            throw new InputError('release', `Release v${release.version} is already current on ${app.name}.`);
        if (!release.slug)
            throw new InputError('release', `Release v${release.version} of ${app.name} has no slug to roll back to.`);
        return release;
    }
    const releases = await heroku.listReleases(app.id, 20);
    const current = releases.find((r) => r.id === currentId);
    const previous = releases.find((r) => r.id !== currentId &&
        r.status === 'succeeded' &&
        r.slug &&
        r.version < (current?.version ?? Infinity));
    if (!previous)
        throw new DeployError(`${app.name} has no succeeded release before the current one to roll back to.`);
    return previous;
}

;// CONCATENATED MODULE: ./src/commands/index.ts





/** Runs the chosen command; it records what happened into `c.outcome` and throws on failure. */
async function runCommand(c) {
    switch (c.settings.command) {
        case 'deploy': {
            const verified = await deploy(c);
            if (c.settings.promote && verified)
                await promote(c, verified);
            return;
        }
        case 'promote':
            return promote(c, undefined);
        case 'review-app':
            return reviewApp(c);
        case 'review-app-sweep':
            return reviewAppSweep(c);
        case 'rollback':
            return rollback(c);
        default: {
            const never = c.settings.command;
            throw new InputError('command', `Unknown command ${String(never)}`);
        }
    }
}

;// CONCATENATED MODULE: ./src/main.ts












const main_USER_AGENT = 'heroku-pipeline-action';
/** The one error boundary: main step or post step; `setFailed` at most once. */
async function run() {
    if (isPostStep()) {
        await runPostStep();
        return;
    }
    markMainStarted();
    await runMainStep();
}
async function runMainStep() {
    let settings;
    let ctx;
    try {
        ctx = getRunContext();
        settings = getSettings(process.env, ctx);
    }
    catch (err) {
        // Nothing has been requested yet: a bad input changes nothing.
        core.setOutput('status', 'failed');
        core.setFailed(err instanceof InputError ? describeInputError(err) : errorMessage(err));
        return;
    }
    const client = new HerokuClient({
        apiKey: settings.herokuApiKey,
        baseUrl: settings.herokuApiUrl,
        userAgent: main_USER_AGENT,
        log: (msg) => core.debug(msg),
        ...tuningFromEnv(process.env, (msg) => core.warning(msg))
    });
    const heroku = new HerokuApi(client);
    const github = githubApiFor(settings, ctx);
    const reporter = new Reporter({
        prComment: settings.prComment,
        githubDeployments: settings.githubDeployments,
        command: settings.command,
        dryRun: settings.dryRun,
        hasGithubToken: settings.githubToken !== '',
        app: settings.app,
        reviewAppEnvironment: settings.reviewAppEnvironment
    }, ctx, github);
    const outcome = newOutcome(settings.command, settings.dryRun);
    // The runner sends SIGINT on cancel: only record it; the post step finishes the reports.
    installInterruptHandler(reporter);
    // A crash ends the process without `finally`: record it (and every phase as it starts) so
    // the post step can say what happened where.
    process.on('uncaughtExceptionMonitor', (err) => reporter.recordCrash(err));
    onPhaseStart((o) => reporter.phaseStarted(o));
    let failure;
    try {
        await reporter.start(outcome);
        await runCommand({ settings, ctx, heroku, reporter, outcome, github });
    }
    catch (err) {
        failure = err;
        outcome.status = 'failed';
        outcome.error ??= err instanceof InputError ? describeInputError(err) : errorMessage(err);
        if (err instanceof DeployError && err.logTail && !outcome.logTail)
            outcome.logTail = err.logTail;
    }
    finally {
        outcome.endedAt = Date.now();
        outcome.heroku = {
            requests: client.stats.requests,
            rateLimitRemaining: client.stats.rateLimitRemaining
        };
    }
    // A failure says what is live now: asked of Heroku where the run does not know it.
    const pending = outcome.status === 'failed' ? await readLiveNow(outcome, settings) : [];
    await reporter.finish(outcome);
    const failed = outcome.status === 'failed' || outcome.status === 'cancelled';
    if (failed) {
        core.setFailed(withLiveNow(failureMessage(failure, outcome), outcome, pending));
    }
}
/**
 * Fills `liveAfter` of every app the run touched and does not know it for, from Heroku (a short
 * budget; what cannot be read stays unknown). Returns notes on work still running there.
 */
async function readLiveNow(outcome, settings) {
    const apps = [outcome.app, ...outcome.targets].filter((a) => a !== undefined && a.liveAfter === undefined);
    if (apps.length === 0)
        return [];
    const live = liveReader(settings);
    if (!live)
        return [];
    const notes = await Promise.all(apps.map(async (a) => {
        try {
            const state = await live(a.appId ?? a.app);
            const known = [a.before, a.release].find((r) => r && r.id === state.release?.id);
            if (state.release) {
                a.liveAfter = known ?? {
                    id: state.release.id,
                    version: state.release.version,
                    slugId: undefined,
                    commit: undefined
                };
            }
            return state.pending ? `${a.app}: ${state.pending}` : undefined;
        }
        catch (err) {
            core.debug(`Could not read what is live on ${a.app}: ${errorMessage(err)}`);
            return undefined;
        }
    }));
    return notes.filter((n) => n !== undefined);
}
/** "… Live now: shop-staging v9 (as before this run); shop-eu v7 (rolled back)." */
function withLiveNow(message, outcome, pending = []) {
    const apps = [outcome.app, ...outcome.targets].filter((a) => a !== undefined);
    if (apps.length === 0)
        return message;
    const parts = apps.map((a) => {
        const live = a.liveAfter;
        if (!live)
            return `${a.app} unknown`;
        const note = a.rolledBack
            ? ' (after a rollback)'
            : a.before && live.id === a.before.id
                ? ' (as before this run)'
                : '';
        return `${a.app} v${live.version}${note}`;
    });
    const still = pending.length > 0 ? ` Still running: ${pending.join('; ')}.` : '';
    const said = message.trim();
    return `${said}${/[.!?)]$/.test(said) ? '' : '.'} Live now: ${parts.join('; ')}.${still}`;
}
/** Environment variables that tune the Heroku client: for tests and unusual networks, not inputs. */
const TUNING_ENV = {
    /** Per-request timeout of Platform API calls, ms (default 30000). */
    requestTimeoutMs: 'HEROKU_PIPELINE_ACTION_REQUEST_TIMEOUT_MS',
    /** Factor on every retry backoff delay and on the look-before-resending window (default 1). */
    retryDelayScale: 'HEROKU_PIPELINE_ACTION_RETRY_DELAY_SCALE'
};
/**
 * The client options the tuning variables set; unset ones keep the client's defaults, bad ones
 * are ignored with a warning. Read here only: the rest of the action gets them as options.
 */
function tuningFromEnv(env, warn) {
    const read = (name, min, max) => {
        const text = env[name]?.trim();
        if (!text)
            return undefined;
        const value = Number(text);
        if (Number.isFinite(value) && value >= min && value <= max)
            return value;
        warn(`${name}=${text} is ignored: expected a number from ${min} to ${max}.`);
        return undefined;
    };
    const out = {};
    const timeout = read(TUNING_ENV.requestTimeoutMs, 100, 600000);
    if (timeout !== undefined)
        out.requestTimeoutMs = Math.round(timeout);
    const scale = read(TUNING_ENV.retryDelayScale, 0.001, 100);
    if (scale !== undefined) {
        const defaults = resolveRetryPolicy(undefined);
        out.retry = {
            baseDelayMs: Math.round(defaults.baseDelayMs * scale),
            rateLimitBaseDelayMs: Math.round(defaults.rateLimitBaseDelayMs * scale),
            settleMs: Math.round(defaults.settleMs * scale)
        };
    }
    return out;
}
/**
 * The limit for one GitHub request: HEROKU_PIPELINE_ACTION_GITHUB_TIMEOUT_MS (tests, slow GitHub
 * Enterprise servers; 1000 to 300000 ms), else the client's default.
 */
function githubTimeoutMs(env) {
    const text = env['HEROKU_PIPELINE_ACTION_GITHUB_TIMEOUT_MS']?.trim();
    if (!text)
        return undefined;
    const value = Number(text);
    return Number.isInteger(value) && value >= 1000 && value <= 300000 ? value : undefined;
}
function failureMessage(failure, outcome) {
    if (failure instanceof HerokuApiError)
        return failure.message;
    return outcome.error ?? errorMessage(failure ?? 'the run did not reach its wanted end state');
}
function githubApiFor(settings, ctx) {
    if (!settings.githubToken || !ctx.repository)
        return undefined;
    // The sweep asks GitHub which pull requests are closed, whatever the reporting settings.
    const sweep = settings.command === 'review-app-sweep';
    if (!sweep && !settings.prComment && !settings.githubDeployments)
        return undefined;
    return createGitHubApi(settings.githubToken, { apiUrl: ctx.apiUrl, owner: ctx.repository.owner, repo: ctx.repository.repo }, { timeoutMs: githubTimeoutMs(process.env) });
}
async function runPostStep() {
    try {
        const ctx = getRunContext();
        let github;
        let live;
        try {
            const settings = getSettings(process.env, ctx);
            github = githubApiFor(settings, ctx);
            live = liveReader(settings);
        }
        catch {
            github = undefined;
        }
        await runPost(ctx, github, core, { live });
    }
    catch (err) {
        // The post step only finishes reporting; it never turns a good run red.
        core.warning(`Post step: ${errorMessage(err)}`);
    }
}
/**
 * For the post step after a cancel or crash: what is live on an app, and work still running on
 * it. Reads only, with a short budget (the post step must not hang on Heroku).
 */
function liveReader(settings) {
    const heroku = new HerokuApi(new HerokuClient({
        apiKey: settings.herokuApiKey,
        baseUrl: settings.herokuApiUrl,
        userAgent: main_USER_AGENT,
        requestTimeoutMs: 5000,
        retry: { maxAttempts: 2, maxTotalMs: 8000 },
        log: (msg) => core.debug(msg)
    }));
    return async (app) => {
        const [releases, builds] = await Promise.all([
            heroku.listReleases(app, 10),
            heroku.listBuilds(app, 3)
        ]);
        const current = releases.find((r) => r.current) ?? releases.find((r) => r.status === 'succeeded');
        const pendingRelease = releases.find((r) => r.status === 'pending');
        const pendingBuild = builds.find((b) => b.status === 'pending');
        const pending = pendingBuild
            ? `build ${pendingBuild.id} is still running on Heroku`
            : pendingRelease
                ? `release v${pendingRelease.version} is still pending on Heroku`
                : undefined;
        return {
            release: current ? { id: current.id, version: current.version } : undefined,
            pending
        };
    };
}


/***/ })

};
