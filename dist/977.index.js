export const id = 977;
export const ids = [977];
export const modules = {

/***/ 3916:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   MU: () => (/* binding */ TimeoutError),
/* harmony export */   Zg: () => (/* binding */ scrubSecrets),
/* harmony export */   cY: () => (/* binding */ describeInputError),
/* harmony export */   dz: () => (/* binding */ InputError),
/* harmony export */   gJ: () => (/* binding */ errorMessage),
/* harmony export */   hy: () => (/* binding */ HerokuNetworkError),
/* harmony export */   sH: () => (/* binding */ DeployError),
/* harmony export */   vk: () => (/* binding */ HerokuApiError),
/* harmony export */   zR: () => (/* binding */ asError)
/* harmony export */ });
/**
 * The action's typed errors. `session.ts` is the one place that turns them into `setFailed`.
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
    input;
    constructor(what, seconds, 
    /** The input that sets this limit, named so the user knows what to raise. */
    input) {
        super(`Timed out after ${seconds} s waiting for ${what}${input ? ` (limit: ${input})` : ''}`);
        this.what = what;
        this.seconds = seconds;
        this.input = input;
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
/** `text` with every secret replaced by `***`. */
function scrubSecrets(text, secrets) {
    let out = text;
    for (const s of secrets)
        if (s)
            out = out.split(s).join('***');
    return out;
}
function errorMessage(err) {
    if (err instanceof Error)
        return err.message;
    return String(err);
}
/** Anything thrown, as an Error (a thrown non-Error keeps its text). */
function asError(err) {
    return err instanceof Error ? err : new Error(errorMessage(err));
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


/***/ }),

/***/ 1652:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   jE: () => (/* binding */ withJitter),
/* harmony export */   p1: () => (/* binding */ realNow),
/* harmony export */   uk: () => (/* binding */ realSleep)
/* harmony export */ });
/** Time as the health gate sees it; injected so tests can run the waits without real timers. */
const realSleep = (ms, signal) => new Promise((resolve, reject) => {
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


/***/ }),

/***/ 9662:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $i: () => (/* binding */ unknownCommitProblem),
/* harmony export */   GZ: () => (/* binding */ RELEASE_MARKERS),
/* harmony export */   Gv: () => (/* binding */ hasReleaseMarker),
/* harmony export */   R9: () => (/* binding */ fillMarkers),
/* harmony export */   RY: () => (/* binding */ SAMPLE_MARKER_VALUES),
/* harmony export */   hX: () => (/* binding */ unknownPlaceholders),
/* harmony export */   tx: () => (/* binding */ markerIdentifies)
/* harmony export */ });
/* unused harmony export markersIn */
/**
 * Release markers in `health-check-body`: `{commit}` and `{release}` are replaced, per app and
 * per release, by the release's source commit and its version (`v42`, as
 * `HEROKU_RELEASE_VERSION` reads on the dyno). A probe then passes only when the release under
 * test answered it: not the previous release's dynos that preboot keeps serving, nor a newer
 * release someone else deployed meanwhile.
 */
/** The markers and what each stands for (in input error messages). */
const RELEASE_MARKERS = {
    commit: "the release's source commit (40 hex, HEROKU_SLUG_COMMIT on the dyno)",
    release: 'the release version, e.g. v42 (HEROKU_RELEASE_VERSION on the dyno)'
};
/**
 * `{name}` not preceded by a backslash. A name starts with a letter, so regex quantifiers
 * (`{2}`, `{2,5}`) are never taken for a marker; write `\{name}` for literal braces.
 */
const PLACEHOLDER = /(?<!\\)\{([A-Za-z_][\w-]*)\}/g;
/** The placeholders in `pattern` that are not markers (for the input error). */
function unknownPlaceholders(pattern) {
    const names = [...pattern.matchAll(PLACEHOLDER)].map((m) => m[1]);
    return [...new Set(names.filter((n) => !Object.hasOwn(RELEASE_MARKERS, n)))];
}
/** Which markers `pattern` names. */
function markersIn(pattern) {
    if (!pattern)
        return [];
    const names = [...pattern.matchAll(PLACEHOLDER)].map((m) => m[1]);
    return Object.keys(RELEASE_MARKERS).filter((n) => names.includes(n));
}
/** Does the pattern identify the release (so a passing probe proves which release answered)? */
function hasReleaseMarker(pattern) {
    return markersIn(pattern).length > 0;
}
/**
 * Whether a probe that matches the filled pattern can only have come from the release under
 * test, not from the release the app ran before (whose dynos preboot keeps serving) nor from a
 * newer one. `{release}` always tells them apart. `{commit}` alone does only when the release
 * before has another commit (known) or there was none: a rebuild or a config change of the same commit answers
 * with the same `HEROKU_SLUG_COMMIT`, and a newer release may carry the same commit too, so
 * `{commit}` alone never proves who answered after a replacement.
 */
function markerIdentifies(pattern, commit, 
/** undefined: no release ran before; null: one did, and its commit is not known here. */
previousCommit) {
    const names = markersIn(pattern);
    if (names.includes('release'))
        return { fromBefore: true, fromNewer: true };
    if (!names.includes('commit') || previousCommit === null)
        return { fromBefore: false, fromNewer: false };
    return { fromBefore: previousCommit === undefined || previousCommit !== commit, fromNewer: false };
}
function escapeRegex(text) {
    return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
/**
 * The pattern with its markers replaced for one release, or an error sentence when a marker
 * has no value (a release whose commit is unknown). `v4` must not match `v42`: a version is
 * followed by a non-digit.
 */
function fillMarkers(pattern, values) {
    if (markersIn(pattern).includes('commit') && !values.commit) {
        return {
            error: `health-check-body names {commit}, but the source commit of v${values.version} is unknown (no source version on its build or slug), so no probe could prove it answered`
        };
    }
    const filled = pattern.replace(PLACEHOLDER, (whole, name) => {
        if (name === 'commit')
            return escapeRegex(values.commit ?? '');
        if (name === 'release')
            return `${escapeRegex(`v${values.version}`)}(?!\\d)`;
        return whole;
    });
    return { pattern: filled };
}
/**
 * Why `check`'s body pattern cannot gate a release whose source commit is `commit` (undefined:
 * unknown), or undefined when it can: `{commit}` with no commit to fill would fail every probe,
 * so a command that knows the release before any change refuses it then, naming `release`
 * (e.g. "shop v7"). A check that probes nothing (no `target`) uses no body pattern.
 */
function unknownCommitProblem(check, commit, release, containerRelease) {
    if (commit || !check.target || !markersIn(check.bodyPattern).includes('commit'))
        return undefined;
    const why = containerRelease
        ? 'a container release carries none'
        : 'no source version on its build or slug';
    return `names {commit}, but ${release} has no source commit (${why}), so no probe could prove it answered: use {release} instead`;
}
/** A stand-in release for checking at input time that the filled pattern compiles. */
const SAMPLE_MARKER_VALUES = {
    commit: '0123456789abcdef0123456789abcdef01234567',
    version: 42
};


/***/ }),

/***/ 5549:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  XJ: () => (/* binding */ CURRENT_RELEASE_WINDOW),
  z: () => (/* binding */ HerokuApi),
  SP: () => (/* binding */ pickCurrentRelease)
});

// UNUSED EXPORTS: isUuid

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
;// CONCATENATED MODULE: ./src/heroku/rollback-check.ts
/**
 * After a rollback request whose answer was lost: did it arrive? The check `HerokuApi.rollback`
 * hands the client, so that a rollback is never sent twice blindly (a second rollback release
 * runs the release phase again).
 */

/**
 * The release the lost request made, undefined when it surely made none (so sending again is
 * safe), or an error when that cannot be told. Relied on: the rollback release is newer than
 * every release before the request (reference §3: "a new version number") and carries the
 * target's code, i.e. its slug or artifacts (Cedar, Fir). Not relied on: its `description`
 * (reference §3: the texts are unconfirmed). Container releases have no slug or artifacts; only
 * the formation's `docker_image`s (the current release's) show what one runs, so one is
 * recognised only when it is current and runs `targetImages`.
 */
async function findRollbackRelease(api, app, target, newestBefore, targetImages) {
    const newer = (await api.listReleases(app, 10)).filter((r) => r.version > newestBefore && r.id !== target.id);
    if (newer.length === 0)
        return undefined;
    if (artifactIds(target) !== '')
        return newer.find((r) => sameArtifact(r, target));
    const newest = newer[0];
    const types = Object.keys(targetImages ?? {}).filter((t) => t !== 'release');
    if (targetImages && types.length > 0 && newest.current && newest.status === 'succeeded') {
        const running = await api.listFormationImages(app);
        const image = (t) => running.find((f) => f.type === t)?.docker_image;
        if (types.every((t) => image(t) === targetImages[t]))
            return newest;
    }
    // Sending again could make a second rollback (and run the release phase twice).
    const name = target.app?.name ?? app;
    const versions = newer.map((r) => `v${r.version}`).join(', ');
    throw new errors/* DeployError */.sH(`The rollback of ${name} to v${target.version} may have been made: Heroku's answer was lost, and ${versions} appeared since, which cannot be told apart from it (a container release carries no slug or artifacts). It was not sent again. Check \`heroku releases -a ${name}\` for a rollback to v${target.version} before running again.`);
}
/** A release's artifact ids, `type:id` sorted; '' for container releases (none listed). */
function artifactIds(r) {
    if (r.slug?.id)
        return `slug:${r.slug.id}`;
    return (r.artifacts ?? [])
        .map((x) => `${x.type}:${x.id}`)
        .sort()
        .join(',');
}
/** Same slug (Cedar), or the same artifacts (Fir); never for two releases with neither. */
function sameArtifact(a, b) {
    const ids = artifactIds(a);
    return ids !== '' && ids === artifactIds(b);
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
var external_node_https_default = /*#__PURE__*/__webpack_require__.n(external_node_https_);
// EXTERNAL MODULE: ./src/heroku/backoff.ts
var backoff = __webpack_require__(1252);
// EXTERNAL MODULE: ./src/heroku/client.ts + 2 modules
var client = __webpack_require__(5929);
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
    const budget = new backoff/* RetryBudget */.Km(opts.retry);
    for (let attempt = 1;; attempt++) {
        const startedAt = opts.retry.now();
        const result = await putOnce(url, filePath, sizeBytes, opts.idleTimeoutMs ?? 60000);
        if (result.ok)
            return;
        // A large upload reset after minutes of sending is tried again: its transfer time is not
        // what the retry budget bounds (the attempts and the idle timeout bound it).
        budget.exclude(opts.retry.now() - startedAt);
        if (result.kind === 'file')
            throw result.error;
        // A PUT of the same bytes is idempotent: retry server errors and lost connections.
        const transient = result.kind === 'network' || result.status >= 500 || result.status === 429;
        const delay = result.kind === 'http' && result.retryAfterMs !== undefined
            ? Math.min(result.retryAfterMs, opts.retry.maxDelayMs)
            : (0,backoff/* fullJitterDelay */.x4)(opts.retry, attempt, opts.retry.baseDelayMs);
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
                'User-Agent': client/* DEFAULT_USER_AGENT */.q
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
                    retryAfterMs: (0,backoff/* parseRetryAfter */.mu)(res.headers['retry-after'], Date.now())
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
        sendFile(filePath, sizeBytes, req).catch((error) => {
            if (settled || req.destroyed)
                return;
            finish({
                ok: false,
                kind: 'file',
                error: new Error(`Could not read the source archive: ${(0,errors/* errorMessage */.gJ)(error)}`)
            });
            req.destroy();
        });
    });
}
/** Size of each of the two buffers the archive is sent through. */
const SEND_BYTES = 64 * 1024;
/**
 * Writes the file's `size` bytes into the request and ends it, through two reused buffers: one
 * is read into while the socket takes the other. A stream from `createReadStream` allocates a
 * buffer per read, and with hundreds of MB those wait for the garbage collector in bulk.
 * Resolves early, without error, once the request is destroyed (its own handlers report that).
 */
async function sendFile(filePath, size, req) {
    const handle = await (0,promises_.open)(filePath, 'r');
    try {
        const buffers = [Buffer.allocUnsafe(SEND_BYTES), Buffer.allocUnsafe(SEND_BYTES)];
        let turn = 0;
        let taking = Promise.resolve(true);
        for (let position = 0; position < size;) {
            const buffer = buffers[turn];
            turn = 1 - turn;
            const wanted = Math.min(buffer.length, size - position);
            const { bytesRead } = await handle.read(buffer, 0, wanted, position);
            if (bytesRead === 0)
                throw new Error('the file got shorter while it was being sent');
            // The other buffer must be taken by the socket before it is read into again.
            if (!(await taking))
                return;
            taking = new Promise((resolve) => req.write(buffer.subarray(0, bytesRead), (err) => resolve(!err)));
            position += bytesRead;
        }
        if (await taking)
            req.end();
    }
    finally {
        await handle.close();
    }
}
function toError(result, attempts) {
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    if (result.kind === 'network') {
        return new errors/* HerokuNetworkError */.hy('PUT', WHERE, result.code, `${result.code}: ${result.message}${tries}`);
    }
    const hint = result.status === 403
        ? 'the upload URL was refused: it may have expired (upload right after POST /sources) or the request was altered'
        : undefined;
    return new errors/* HerokuApiError */.vk(result.status, result.code, result.message, result.requestId, 'PUT', WHERE, hint);
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
/** The variant the Heroku CLI reads pipelines with (name filter). */
const ACCEPT_PIPELINES = 'application/vnd.heroku+json; version=3.pipelines';
/** The variant with `docker_image` on formations (heroku/cli `container/release.ts`). */
const ACCEPT_DOCKER_RELEASES = 'application/vnd.heroku+json; version=3.docker-releases';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
class HerokuApi {
    client;
    /** Answers asked for ahead of time (`prefetchApp`), each handed out once. */
    prefetched = new Map();
    /** Slugs read so far, by id. */
    slugs = new Map();
    constructor(client) {
        this.client = client;
    }
    /** How long one request may take (an answer from a log stream is given as long). */
    get requestTimeoutMs() {
        return this.client.requestTimeoutMs;
    }
    /**
     * Starts the two reads a command that resolves an app makes first (the app and its pipeline
     * coupling), so they are on their way while the rest of the action loads. Reads only; the
     * next `getApp` / `getAppCoupling` of that app gets these answers (or their errors).
     */
    prefetchApp(idOrName) {
        this.remember(`app:${idOrName}`, this.getApp(idOrName));
        this.remember(`coupling:${idOrName}`, this.getAppCoupling(idOrName));
        // What the health gate needs to know of the app (preboot, formation): read with the app.
        this.remember(`preboot:${idOrName}`, this.prebootEnabled(idOrName));
        this.remember(`formation:${idOrName}`, this.listFormation(idOrName));
    }
    remember(key, answer) {
        // Handled here too: a prefetch nobody comes for must not be an unhandled rejection.
        answer.catch(() => undefined);
        this.prefetched.set(key, answer);
    }
    takePrefetched(key) {
        const answer = this.prefetched.get(key);
        this.prefetched.delete(key);
        return answer;
    }
    // Apps, dynos, config vars
    getApp(idOrName) {
        return (this.takePrefetched(`app:${idOrName}`) ?? this.client.get(`/apps/${seg(idOrName)}`));
    }
    /**
     * Whether the app's `preboot` feature is on. A 404 (an app that cannot have the feature)
     * counts as off, with a debug line. Any other failure is thrown: counted as off, it would let
     * the gate probe a preboot app without waiting, and pass on the previous release's dynos.
     */
    prebootEnabled(app) {
        const prefetched = this.takePrefetched(`preboot:${app}`);
        if (prefetched)
            return prefetched;
        return this.client
            .get(`/apps/${seg(app)}/features/preboot`)
            .then((feature) => feature.enabled)
            .catch((err) => {
            if (!(err instanceof errors/* HerokuApiError */.vk) || err.status !== 404)
                throw err;
            this.client.log(`preboot feature of ${app}: ${err.message} Counted as off.`);
            return false;
        });
    }
    /** The app's process types and their quantities. */
    listFormation(app) {
        return (this.takePrefetched(`formation:${app}`) ??
            this.client.getList(`/apps/${seg(app)}/formation`, { all: true }));
    }
    /**
     * The formation with each process type's `docker_image` (container stack): the images of the
     * app's current release. Read with `3.docker-releases`, the variant that has the field.
     */
    listFormationImages(app) {
        return this.client.getList(`/apps/${seg(app)}/formation`, {
            all: true,
            accept: ACCEPT_DOCKER_RELEASES
        });
    }
    /**
     * Releases images on a container-stack app: one release for every updated process type
     * (heroku/cli `container/release.ts`). `findExisting` says, after a lost answer, whether the
     * release was made (the caller knows the release that was newest before).
     */
    releaseImages(app, updates, findExisting) {
        return this.client.create('PATCH', `/apps/${seg(app)}/formation`, { updates }, findExisting, { accept: ACCEPT_DOCKER_RELEASES });
    }
    /** A Fir OCI image (the endpoint answers a one-item list); undefined when not found. */
    async getOciImage(app, imageId) {
        const found = await orUndefinedOn404(this.client.get(`/apps/${seg(app)}/oci-images/${seg(imageId)}`));
        return Array.isArray(found) ? found[0] : found;
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
    /**
     * Slugs never change and a promotion shares one slug among apps, so each is read once per
     * run (a failed read is not kept).
     */
    getSlug(app, slugId) {
        let slug = this.slugs.get(slugId);
        if (!slug) {
            slug = this.client.get(`/apps/${seg(app)}/slugs/${seg(slugId)}`);
            this.slugs.set(slugId, slug);
            slug.catch(() => this.slugs.delete(slugId));
        }
        return slug;
    }
    /**
     * Rolls `app` back to the release with UUID `releaseId`; returns the new release this creates.
     * `targetImages`: what the target runs, when the caller knows (container stack, read from the
     * formation while it was current); it lets a lost answer be checked on a container app.
     */
    async rollback(app, releaseId, targetImages) {
        // The newest release of any status (a failed one is never current but is newer): only
        // releases above it can be the one this request makes.
        const [target, newest] = await Promise.all([
            this.getRelease(app, releaseId),
            this.listReleases(app, 1)
        ]);
        const newestBefore = newest[0]?.version ?? 0;
        return this.client.create('POST', `/apps/${seg(app)}/releases`, { release: target.id }, () => findRollbackRelease(this, app, target, newestBefore, targetImages));
    }
    // Pipelines and couplings
    /**
     * A pipeline by UUID, or by name. Names are not unique on Heroku, and `GET /pipelines/{name}`
     * may pick one of several (or none without apps): a name is looked up with the name filter, as
     * the Heroku CLI does (`disambiguate.ts`), and zero or several matches are an input error.
     */
    async getPipeline(idOrName) {
        if (UUID.test(idOrName))
            return this.client.get(`/pipelines/${seg(idOrName)}`);
        const found = await this.client.getList(`/pipelines?eq[name]=${encodeURIComponent(idOrName)}`, { accept: ACCEPT_PIPELINES, all: true });
        // Only exact names count, whatever the filter did.
        const named = found.filter((p) => p.name === idOrName);
        if (named.length === 1)
            return named[0];
        if (named.length === 0) {
            throw new errors/* InputError */.dz('pipeline', `Input 'pipeline': no pipeline named ${idOrName} is visible to this API key (check the name, or that the key's account can see it).`);
        }
        throw new errors/* InputError */.dz('pipeline', `Input 'pipeline': ${named.length} pipelines are named ${idOrName} (${named.map((p) => p.id).join(', ')}): set pipeline to the UUID of the one you mean.`);
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
        return (this.takePrefetched(`coupling:${app}`) ??
            orUndefinedOn404(this.client.get(`/apps/${seg(app)}/pipeline-couplings`)));
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
    getAppSetup(appSetupId) {
        return this.client.get(`/app-setups/${seg(appSetupId)}`);
    }
    /**
     * `POST /app-setups` (202, `pending`). `findExisting` is the caller's: after a lost answer, the
     * app of the requested name (a setup's id cannot be looked up otherwise).
     */
    createAppSetup(body, findExisting) {
        return this.client.create('POST', '/app-setups', body, findExisting);
    }
    /** Deletes the app; undefined if it was already gone (a repeated delete lands here too). */
    deleteApp(app) {
        return orUndefinedOn404(this.client.delete(`/apps/${seg(app)}`, { idempotent: true }));
    }
    /** Couples the app to the pipeline; after a lost answer, the app's coupling to it counts. */
    createPipelineCoupling(body) {
        return this.client.create('POST', '/pipeline-couplings', body, async () => {
            const coupling = await orUndefinedOn404(this.client.get(`/apps/${seg(body.app)}/pipeline-couplings`));
            return coupling?.pipeline.id === body.pipeline ? coupling : undefined;
        });
    }
    /** The pipeline's review-app config; undefined (404) when review apps are not enabled on it. */
    getReviewAppConfig(pipelineId) {
        return orUndefinedOn404(this.client.get(`/pipelines/${seg(pipelineId)}/review-app-config`));
    }
    /** The pipeline's config vars of one stage (only `test` and `review` have any). */
    getStageConfigVars(pipelineId, stage) {
        return this.client.get(`/pipelines/${seg(pipelineId)}/stage/${seg(stage)}/config-vars`);
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
        if (UUID.test(idOrName))
            return idOrName;
        return (await this.getPipeline(idOrName)).id;
    }
}
/** The release marked `current`; failing that, the newest succeeded one (list newest first). */
function pickCurrentRelease(newestFirst) {
    return newestFirst.find((r) => r.current) ?? newestFirst.find((r) => r.status === 'succeeded');
}
function isUuid(value) {
    return UUID.test(value);
}
function seg(value) {
    return encodeURIComponent(value);
}
async function orUndefinedOn404(request) {
    try {
        return await request;
    }
    catch (err) {
        if (err instanceof errors/* HerokuApiError */.vk && err.status === 404)
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


/***/ }),

/***/ 1252:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Km: () => (/* binding */ RetryBudget),
/* harmony export */   NO: () => (/* binding */ resolveRetryPolicy),
/* harmony export */   mk: () => (/* binding */ equalJitterDelay),
/* harmony export */   mu: () => (/* binding */ parseRetryAfter),
/* harmony export */   x4: () => (/* binding */ fullJitterDelay)
/* harmony export */ });
/* harmony import */ var _health_clock_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1652);
/**
 * The retry budget shared by the API client and the source upload: how many attempts, how long
 * between them (exponential, jittered), and how long in total. Time is injectable so tests never
 * wait for real.
 */

function resolveRetryPolicy(options, sleep, random, now) {
    return {
        maxAttempts: Math.max(1, options?.maxAttempts ?? 6),
        baseDelayMs: options?.baseDelayMs ?? 1000,
        rateLimitBaseDelayMs: options?.rateLimitBaseDelayMs ?? 2000,
        maxDelayMs: options?.maxDelayMs ?? 30000,
        maxTotalMs: options?.maxTotalMs ?? 120000,
        settleMs: options?.settleMs ?? 60000,
        sleep: sleep ?? _health_clock_js__WEBPACK_IMPORTED_MODULE_0__/* .realSleep */ .uk,
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
    /** Time spent in attempts that moved data (see `exclude`), not counted against the total. */
    excluded = 0;
    constructor(policy) {
        this.policy = policy;
        this.startedAt = policy.now();
    }
    /** Whether attempt number `attempt` (just failed) may be followed by another after `delayMs`. */
    allows(attempt, delayMs) {
        if (attempt >= this.policy.maxAttempts)
            return false;
        // With an injected sleep no real time passes: count the delays too.
        const spent = Math.max(this.policy.now() - this.startedAt - this.excluded, this.slept);
        return spent + delayMs <= this.policy.maxTotalMs;
    }
    /**
     * `ms` of an attempt that was transferring (a long upload reset near its end): the total
     * bounds the time spent failing and waiting, not the transfer; `maxAttempts` still holds.
     */
    exclude(ms) {
        this.excluded += Math.max(0, ms);
    }
    async wait(delayMs) {
        this.slept += delayMs;
        await this.policy.sleep(delayMs);
    }
}


/***/ }),

/***/ 5929:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  q: () => (/* binding */ DEFAULT_USER_AGENT),
  K: () => (/* binding */ HerokuClient)
});

// EXTERNAL MODULE: ./src/version.ts
var version = __webpack_require__(311);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/heroku/backoff.ts
var backoff = __webpack_require__(1252);
// EXTERNAL MODULE: ./node_modules/heroku-client/lib/request.js
var lib_request = __webpack_require__(3633);
var request_default = /*#__PURE__*/__webpack_require__.n(lib_request);
;// CONCATENATED MODULE: ./src/heroku/exchange.ts

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
/** One HTTP exchange with the Platform API; never rejects. */
function exchangeOnce(target, method, path, opts, hooks) {
    return new Promise((resolve) => {
        let settled = false;
        let connected = false;
        let response;
        let clientRequest;
        const timeoutMs = opts.timeoutMs ?? target.timeoutMs;
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
            Authorization: `Bearer ${target.apiKey}`,
            'User-Agent': target.userAgent
        };
        if (opts.range)
            headers.Range = opts.range;
        const request = new (request_default())({
            method,
            path: target.pathPrefix + path,
            host: target.origin,
            headers,
            body: opts.body,
            partial: true,
            userAgent: target.userAgent,
            middleware: (res, next) => {
                response = res;
                hooks.onHeaders(res.headers);
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
            hooks.onSent();
            if (!opts.range)
                req.removeHeader('Range');
            req.once('socket', (socket) => {
                const onConnect = () => {
                    connected = true;
                    hooks.onConnected();
                };
                if (!socket.connecting)
                    onConnect();
                else
                    socket.once('connect', onConnect);
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
function isTransient(failure) {
    return failure.kind === 'http'
        ? RETRY_STATUSES.has(failure.status)
        : RETRY_CODES.has(failure.code);
}
/** Heroku may have acted on it: 5xx, or a connection that was made and then failed. */
function isAmbiguous(failure) {
    return failure.kind === 'http' ? AMBIGUOUS_STATUSES.has(failure.status) : failure.mayHaveArrived;
}
function describeFailure(method, path, failure) {
    if (failure.kind === 'network')
        return `Heroku API ${method} ${path} failed (${failure.code})`;
    const reqId = requestIdOf(failure.headers);
    return `Heroku API ${method} ${path} answered ${failure.status}${reqId ? ` (Request-Id ${reqId})` : ''}`;
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

;// CONCATENATED MODULE: ./src/heroku/hints.ts
/** What a Heroku error answer most likely means for the person reading the failed run. */
function hintFor(status, herokuId, method, path) {
    if (status === 422 && method === 'POST' && path === '/review-apps') {
        return 'review apps must be enabled on the pipeline (pipeline settings on Heroku; enabling them needs the pipeline connected to GitHub), and the key must be able to create apps for the pipeline owner. Without the GitHub connection, set review-app-method: app-setup (the action creates the app itself)';
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

// EXTERNAL MODULE: ./src/heroku/pacer.ts
var pacer = __webpack_require__(5791);
;// CONCATENATED MODULE: ./src/heroku/client.ts
/**
 * The one HTTP client for the Heroku Platform API: auth, headers, retries with backoff, safe
 * handling of requests that create things, error mapping, rate-limit tracking.
 *
 * It is built on heroku-client's `Request` class (the package's `Heroku` class only merges options
 * and makes one of these per call). Two of heroku-client's behaviours are switched off per request:
 * - its own retries: on a network error it re-sends the request, POST included, up to 4 times
 *   (1 s…8 s) without telling the caller. We replace `handleError` on each request so every error
 *   reaches us at once and every retry decision is made here;
 * - its `Range: id ..; max=1000` header on every request: `logRequest` (called with the
 *   ClientRequest before any byte is sent) removes it unless the caller asked for a range.
 * It is always called with `partial: true`; `getList` follows `Next-Range` itself so each page is
 * retried and counted on its own. One exchange, and how its failures are read, is `exchange.ts`.
 */






/** The action's one User-Agent (see `version.ts`). */
const DEFAULT_USER_AGENT = version/* USER_AGENT */._;
const MAX_PAGES = 200;
class HerokuClient {
    stats = { requests: 0, rateLimitRemaining: undefined };
    retryPolicy;
    pacer;
    apiKey;
    target;
    /** Limit for one request (the upload and output streams derive theirs from it). */
    requestTimeoutMs;
    logSink;
    warnSink;
    warned = new Set();
    /** Requests started and not yet connected (or ended), and who waits for none to be left. */
    unconnected = 0;
    connectWaiters = [];
    constructor(options) {
        this.apiKey = options.apiKey;
        const url = new URL(options.baseUrl);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') {
            throw new Error(`heroku-api-url must be an http(s) URL, got the scheme ${url.protocol}`);
        }
        this.requestTimeoutMs = options.requestTimeoutMs ?? 30000;
        this.target = {
            // Credentials in the URL are never used (heroku-client reads only scheme, host and port).
            origin: `${url.protocol}//${url.host}`,
            pathPrefix: url.pathname.replace(/\/+$/, ''),
            apiKey: options.apiKey,
            userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
            timeoutMs: this.requestTimeoutMs
        };
        this.retryPolicy = (0,backoff/* resolveRetryPolicy */.NO)(options.retry, options.sleep, options.random, options.now);
        this.logSink = options.log;
        this.warnSink = options.warn;
        this.pacer =
            options.pacer ??
                new pacer/* RequestPacer */.Vq({ sleep: this.retryPolicy.sleep, now: this.retryPolicy.now });
    }
    /**
     * Resolves once every request started so far has its connection (or has ended): the start
     * waits for this before it compiles the rest of the action, which holds the event loop.
     */
    connected() {
        if (this.unconnected === 0)
            return Promise.resolve();
        return new Promise((resolve) => this.connectWaiters.push(resolve));
    }
    /** Counts a request as connecting; the function returned says it no longer is (once). */
    connecting() {
        this.unconnected++;
        let pending = true;
        return () => {
            if (!pending)
                return;
            pending = false;
            if (--this.unconnected === 0)
                for (const resolve of this.connectWaiters.splice(0))
                    resolve();
        };
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
                throw new errors/* HerokuApiError */.vk(res.status, undefined, 'expected a JSON list', requestIdOf(res.headers), 'GET', path, undefined);
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
        if (remaining !== undefined) {
            this.stats.rateLimitRemaining = remaining;
            this.pacer.noteRemaining(remaining);
        }
        return remaining;
    }
    async send(method, path, opts) {
        const result = await this.exchange(method, path, opts, undefined);
        return result;
    }
    async exchange(method, path, opts, findExisting) {
        const connected = this.connecting();
        try {
            return await this.exchangeAttempts(method, path, opts, findExisting, connected);
        }
        finally {
            connected();
        }
    }
    async exchangeAttempts(method, path, opts, findExisting, connected) {
        const idempotent = opts.idempotent ?? (method === 'GET' || method === 'PUT');
        const budget = new backoff/* RetryBudget */.Km(this.retryPolicy);
        let sentAmbiguously = false;
        for (let attempt = 1;; attempt++) {
            // Every attempt and page is a request of the run's budget; only polls wait for it.
            if ((0,pacer/* isPolling */.CU)())
                await this.pacer.poll();
            else
                this.pacer.spend();
            const result = await exchangeOnce(this.target, method, path, opts, {
                onSent: () => this.stats.requests++,
                onConnected: connected,
                onHeaders: (headers) => this.noteRateLimit(headers)
            });
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
                this.log(`${describeFailure(method, path, result)}; retrying in ${seconds(delay)} (attempt ${attempt + 1} of ${this.retryPolicy.maxAttempts})`);
                await budget.wait(delay);
                continue;
            }
            // It may have arrived: never re-send without checking first.
            if (!findExisting)
                throw this.toError(method, path, result, attempt);
            sentAmbiguously = true;
            if (canRetry) {
                this.log(`${describeFailure(method, path, result)}; it may have arrived: checking in ${seconds(delay)} before sending again`);
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
            const retryAfter = (0,backoff/* parseRetryAfter */.mu)(failure.headers['retry-after'], Date.now());
            if (retryAfter !== undefined)
                return Math.min(retryAfter, policy.maxDelayMs);
            if (failure.status === 429)
                return (0,backoff/* equalJitterDelay */.mk)(policy, attempt, policy.rateLimitBaseDelayMs);
        }
        return (0,backoff/* fullJitterDelay */.x4)(policy, attempt, policy.baseDelayMs);
    }
    noteWarnings(headers) {
        for (const name of ['warning-message', 'x-heroku-warning']) {
            const text = headerValue(headers, name)?.trim();
            if (!text || this.warned.has(text))
                continue;
            this.warned.add(text);
            this.warnSink?.(this.scrub(`Heroku: ${text}`));
        }
    }
    noteRateLimit(headers) {
        this.noteWarnings(headers);
        const value = headerValue(headers, 'ratelimit-remaining');
        if (value === undefined)
            return;
        const remaining = Number.parseInt(value, 10);
        if (!Number.isFinite(remaining))
            return;
        this.stats.rateLimitRemaining = remaining;
        this.pacer.noteRemaining(remaining);
    }
    toError(method, path, failure, attempts) {
        const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
        if (failure.kind === 'network') {
            return new errors/* HerokuNetworkError */.hy(method, path, failure.code, this.scrub(`${failure.code}: ${failure.message}${tries}`));
        }
        const { id, message } = errorBody(failure.body, failure.status);
        return new errors/* HerokuApiError */.vk(failure.status, id, this.scrub(message), requestIdOf(failure.headers), method, path, hintFor(failure.status, id, method, path));
    }
}
function seconds(ms) {
    return `${(ms / 1000).toFixed(1)} s`;
}


/***/ }),

/***/ 5791:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CU: () => (/* binding */ isPolling),
/* harmony export */   Et: () => (/* binding */ asPoll),
/* harmony export */   Vq: () => (/* binding */ RequestPacer)
/* harmony export */ });
/* harmony import */ var node_async_hooks__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6698);
/* harmony import */ var node_async_hooks__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_async_hooks__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _health_clock_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1652);
/**
 * The run's one request budget (the contract's "Heroku as it is" rule: at most one request a
 * second on average over the run). Heroku gives an account 4,500 tokens refilled at about 75 a
 * minute (1.25/s); waiters polling on their own schedules (twenty promotion targets, each
 * listing dynos and reading releases) could spend far more and drain the account during a long
 * gate. So the run keeps to 0.75 requests a second on average, 60% of the refill (the rest is
 * for the team's other tools and for the burst), with a burst that a whole single-app deploy
 * fits in; once `RateLimit-Remaining` says the account is close to empty, polls also keep
 * `reservePaceMs` apart.
 *
 * Only polls wait for the budget. One-off requests (resolve an app, create a build, roll back)
 * go at once, since delaying a rollback helps nobody, but they are charged to it, so the polls
 * after them wait until the run is back within its average.
 *
 * The schedule is a GCRA ("virtual scheduling"): `nextAt` is when the budget is back to full;
 * a poll may go `burst - 1` intervals ahead of it. Reserving is synchronous, so concurrent
 * waiters are served in order without a queue.
 */


const polling = new node_async_hooks__WEBPACK_IMPORTED_MODULE_0__.AsyncLocalStorage();
/**
 * Runs `fn` as a poll: the Heroku requests it makes wait for the run's polling budget. Waiting
 * loops wrap each look in this; everything else is a one-off.
 */
function asPoll(fn) {
    return polling.run(true, fn);
}
function isPolling() {
    return polling.getStore() === true;
}
class RequestPacer {
    stats = { delayedPolls: 0, delayedMs: 0 };
    paceMs;
    burst;
    reservePaceMs;
    reserve;
    sleep;
    now;
    nextAt = -Infinity;
    lastPollAt = -Infinity;
    remaining;
    constructor(options = {}) {
        this.paceMs = Math.max(0, options.paceMs ?? 1333);
        this.burst = Math.max(1, Math.floor(options.burst ?? 30));
        this.reservePaceMs = Math.max(this.paceMs, options.reservePaceMs ?? 5000);
        this.reserve = options.reserve ?? 500;
        this.sleep = options.sleep ?? _health_clock_js__WEBPACK_IMPORTED_MODULE_1__/* .realSleep */ .uk;
        this.now = options.now ?? Date.now;
    }
    /** What the latest answer said is left of the account's rate limit. */
    noteRemaining(remaining) {
        this.remaining = remaining;
    }
    /** The account is close to its limit: polls go one every `reservePaceMs`. */
    get inReserve() {
        return this.remaining !== undefined && this.remaining < this.reserve;
    }
    /** Waits until the budget allows one more poll, and spends it. */
    async poll() {
        const now = this.now();
        let at = Math.max(now, this.nextAt - (this.burst - 1) * this.paceMs);
        // Near the account's limit there is no burst either: each poll waits its turn.
        if (this.inReserve)
            at = Math.max(at, this.lastPollAt + this.reservePaceMs);
        this.nextAt = Math.max(this.nextAt, at) + this.paceMs;
        this.lastPollAt = at;
        const wait = at - now;
        if (wait <= 0)
            return;
        this.stats.delayedPolls++;
        this.stats.delayedMs += wait;
        await this.sleep(wait);
    }
    /**
     * A one-off request goes at once but is charged to the budget: the polls after a burst of
     * them wait until the run is back within its average.
     */
    spend() {
        this.nextAt = Math.max(this.nextAt, this.now()) + this.paceMs;
    }
}


/***/ }),

/***/ 2799:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Sg: () => (/* binding */ DUE_INTERVAL_MS),
/* harmony export */   X$: () => (/* binding */ settledWithin),
/* harmony export */   a0: () => (/* binding */ waitUntil),
/* harmony export */   mO: () => (/* binding */ allSettledOrFirstError)
/* harmony export */ });
/* unused harmony exports deadlineFrom, remainingMs, OUTAGE_RIDE_OUT_MS */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3916);
/* harmony import */ var _health_clock_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1652);
/* harmony import */ var _pacer_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5791);
/**
 * The waits with a deadline: `waitUntil`, the one polling helper (poll until done or the
 * deadline; the interval starts short, since most things finish quickly and a quick first answer
 * shortens every run, and grows towards `maxIntervalMs`, which keeps long waits cheap on the
 * account's shared rate limit; every look is a poll of the run's request budget, see pacer.ts),
 * `settledWithin` for an answer worth waiting only so long for, and `allSettledOrFirstError` for
 * work side by side that must all end before anyone reports.
 */



/** The deadline, as ms since the epoch, for a wait of `timeoutMs` starting now. */
function deadlineFrom(timeoutMs, now = Date.now) {
    return now() + timeoutMs;
}
/** Ms left until `deadline` (never negative). */
function remainingMs(deadline, now = Date.now) {
    return Math.max(0, deadline - now());
}
/** How soon to look again once a change is due: a status lags its log by a moment. */
const DUE_INTERVAL_MS = 100;
/**
 * How long a wait keeps looking while Heroku does not answer (5xx, 429, network), counted from
 * the first poll that failed after the client's own retries (up to 2 minutes each): a minute-long API incident in the middle of an hour-long release phase
 * must not end the run while Heroku goes on releasing. The wait's deadline still applies.
 */
const OUTAGE_RIDE_OUT_MS = 5 * 60_000;
/** Heroku failing to answer at all, not refusing: worth looking again later (a read). */
function herokuUnavailable(err) {
    if (err instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .HerokuNetworkError */ .hy)
        return true;
    return err instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .HerokuApiError */ .vk && (err.status >= 500 || err.status === 429);
}
/**
 * Calls `poll` (a read) until `isDone` accepts its value and returns that value. Throws
 * `TimeoutError` naming `what` when the deadline passes. Errors from `poll` propagate, except
 * Heroku not answering (the client has retried it already), which is looked past for up to
 * `OUTAGE_RIDE_OUT_MS` in a row. The last poll happens at the deadline, never after a sleep past it.
 */
async function waitUntil(poll, isDone, opts) {
    const now = opts.now ?? Date.now;
    const sleep = opts.sleep ?? _health_clock_js__WEBPACK_IMPORTED_MODULE_2__/* .realSleep */ .uk;
    const maxInterval = Math.max(1, opts.maxIntervalMs ?? 5000);
    const factor = Math.max(1, opts.factor ?? 1.5);
    let interval = Math.min(maxInterval, Math.max(1, opts.minIntervalMs ?? 500));
    const deadline = opts.deadline ?? deadlineFrom(opts.timeoutMs, now);
    // A change that becomes due ends the current sleep (the timer is cleared through the signal)
    // and the looks after it start fast again; it happens once per wait.
    const wake = new AbortController();
    let dueNow = false;
    let dueSeen = false;
    const onDue = () => {
        dueNow = true;
        wake.abort();
    };
    const woken = opts.due?.then(onDue, onDue);
    const nap = async (ms) => {
        if (dueNow)
            return;
        if (dueSeen || !woken)
            return sleep(ms);
        const slept = sleep(ms, wake.signal).catch((err) => {
            if (!wake.signal.aborted)
                throw err;
        });
        await Promise.race([slept, woken]);
    };
    /** Since when every poll has failed with Heroku not answering. */
    let failingSince;
    const initialDelay = Math.min(Math.max(0, opts.initialDelayMs ?? 0), deadline - now());
    if (initialDelay > 0)
        await nap(initialDelay);
    for (;;) {
        if (dueNow) {
            dueNow = false;
            dueSeen = true;
            interval = Math.min(interval, DUE_INTERVAL_MS);
        }
        let value;
        try {
            value = await (0,_pacer_js__WEBPACK_IMPORTED_MODULE_1__/* .asPoll */ .Et)(poll);
            failingSince = undefined;
        }
        catch (err) {
            if (!herokuUnavailable(err))
                throw err;
            failingSince ??= now();
            const left = deadline - now();
            if (now() - failingSince >= OUTAGE_RIDE_OUT_MS || left <= 0)
                throw err;
            await nap(Math.min(maxInterval, left));
            continue;
        }
        opts.onPoll?.(value);
        if (isDone(value))
            return value;
        const left = deadline - now();
        if (left <= 0)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .TimeoutError */ .MU(opts.what, Math.round(opts.timeoutMs / 1000), opts.limitInput);
        await nap(Math.min(interval, left));
        if (!dueNow)
            interval = Math.min(maxInterval, Math.ceil(interval * factor));
    }
}
/**
 * What `promise` gives, or undefined when it has not settled within `ms`: for waits that may
 * end early and go on without the answer. The timer is cleared either way.
 */
async function settledWithin(promise, ms) {
    let timer;
    const deadline = new Promise((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
    });
    try {
        return await Promise.race([promise, deadline]);
    }
    finally {
        clearTimeout(timer);
    }
}
/**
 * Like `Promise.all`, but every promise is waited for before the first failure is thrown: work
 * side by side (rollbacks, copies) must not be left running while the run reports.
 */
async function allSettledOrFirstError(work) {
    const ended = await Promise.allSettled(work);
    const failure = ended.find((e) => e.status === 'rejected');
    if (failure)
        throw failure.reason;
    return ended.map((e) => e.value);
}


/***/ }),

/***/ 5722:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $l: () => (/* binding */ maskSecret),
/* harmony export */   DI: () => (/* binding */ getRunContext),
/* harmony export */   R5: () => (/* binding */ readInput),
/* harmony export */   co: () => (/* binding */ maskKeyValueText),
/* harmony export */   hq: () => (/* binding */ nonEmpty),
/* harmony export */   u4: () => (/* binding */ isRecord),
/* harmony export */   vE: () => (/* binding */ pullRequestFromFork)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/** The runner's environment and event payload → `RunContext`; the masking of secret values. */


function maskSecret(value, mask) {
    if (value === '')
        return;
    mask(value);
    // The runner masks line by line, so a value spanning lines is also masked per line.
    if (/[\r\n]/.test(value)) {
        for (const line of value.split(/\r\n|\r|\n/))
            if (line.trim() !== '')
                mask(line.trim());
    }
}
/** Masks the value of every `KEY=VALUE` line before parsing, so even a rejected list is masked. */
function maskKeyValueText(raw, mask) {
    for (const line of raw.split(/\r\n|\r|\n/)) {
        const eq = line.indexOf('=');
        if (eq >= 0 && !line.trim().startsWith('#'))
            maskSecret(line.slice(eq + 1).trim(), mask);
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
/** The event payload (GITHUB_EVENT_PATH), or undefined when there is none or it is unreadable. */
function readPayload(eventPath) {
    if (!eventPath)
        return undefined;
    try {
        return JSON.parse(node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync(eventPath, 'utf8'));
    }
    catch {
        return undefined;
    }
}
function readPullRequest(payload) {
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
        merged: pr.merged === true,
        state: stringOrUndefined(pr.state)
    };
}
/** What the runner tells us about the run: environment variables and the event payload. */
/**
 * Whether the pull request's code comes from another repository. A PR whose fork was deleted
 * has no head repository (`head.repo: null`): its code is still a stranger's, so it counts as a
 * fork too. Unknown only when the payload names no base repository either.
 */
function pullRequestFromFork(pr) {
    return pr.baseRepoFullName !== undefined && pr.headRepoFullName !== pr.baseRepoFullName;
}
function getRunContext(env = process.env) {
    const repoMatch = /^([^/\s]+)\/([^/\s]+)$/.exec(env.GITHUB_REPOSITORY?.trim() ?? '');
    const eventName = env.GITHUB_EVENT_NAME?.trim() ?? '';
    const payload = readPayload(nonEmpty(env.GITHUB_EVENT_PATH));
    return {
        eventName,
        // A push that deleted a branch or tag: GITHUB_SHA is then the default branch's commit.
        ...(eventName === 'push' && isRecord(payload) && payload.deleted === true
            ? { refDeleted: true }
            : {}),
        sha: env.GITHUB_SHA?.trim() ?? '',
        ref: env.GITHUB_REF?.trim() ?? '',
        repository: repoMatch ? { owner: repoMatch[1], repo: repoMatch[2] } : undefined,
        serverUrl: (nonEmpty(env.GITHUB_SERVER_URL) ?? 'https://github.com').replace(/\/+$/, ''),
        apiUrl: (nonEmpty(env.GITHUB_API_URL) ?? 'https://api.github.com').replace(/\/+$/, ''),
        runId: env.GITHUB_RUN_ID?.trim() ?? '',
        workspace: nonEmpty(env.GITHUB_WORKSPACE) ?? process.cwd(),
        runnerTemp: nonEmpty(env.RUNNER_TEMP) ?? node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir(),
        pullRequest: readPullRequest(payload)
    };
}


/***/ }),

/***/ 9123:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $W: () => (/* binding */ parseImageEntry),
/* harmony export */   Ah: () => (/* binding */ HEROKU_REGISTRY_HOST),
/* harmony export */   aE: () => (/* binding */ PROCESS_TYPE_KEYS),
/* harmony export */   b9: () => (/* binding */ parseImagesLines)
/* harmony export */ });
/* unused harmony export parseImageReference */
/* harmony import */ var _values_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8463);

/** The Container Registry's host in image references (Dev Center "Container Registry"). */
const HEROKU_REGISTRY_HOST = 'registry.heroku.com';
/** Process types as the formation schema allows them (`^[-\w]{1,128}$`). */
const PROCESS_TYPE = /^[-\w]{1,128}$/;
/** The keys of `images`, in the workflow's lines and the config file's map alike. */
const PROCESS_TYPE_KEYS = {
    pattern: PROCESS_TYPE,
    says: 'keys are process types: letters, digits, _ and - (at most 128)'
};
/** A docker tag (distribution `reference/regexp.go`). */
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
/** One path component of a repository name (distribution `reference/regexp.go`). */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** A registry host with an optional port. */
const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$/;
const ALLOWED = 'expected one PROCESS=IMAGE per line: PROCESS a process type (letters, digits, _ and -), IMAGE ' +
    `${HEROKU_REGISTRY_HOST}/<app>/<process>[:tag|@sha256:<digest>] or a local image name`;
/**
 * Parses the `images` text. `registryHosts`: the hosts whose references are registry images
 * (`registry.heroku.com`, and the host of `heroku-registry-url`).
 */
function parseImagesLines(raw, registryHosts, input = 'images') {
    const found = new Map();
    raw.split(/\r\n|\r|\n/).forEach((text, index) => {
        const line = index + 1;
        const trimmed = text.trim();
        if (trimmed === '' || trimmed.startsWith('#'))
            return;
        const eq = trimmed.indexOf('=');
        if (eq < 0) {
            throw new _values_js__WEBPACK_IMPORTED_MODULE_0__/* .InvalidValue */ .h6(input, `line ${line} ${(0,_values_js__WEBPACK_IMPORTED_MODULE_0__/* .showValue */ .vp)(trimmed)} is not PROCESS=IMAGE; ${ALLOWED}`);
        }
        const process = trimmed.slice(0, eq).trim();
        const image = trimmed.slice(eq + 1).trim();
        const earlier = found.get(process);
        if (earlier) {
            throw new _values_js__WEBPACK_IMPORTED_MODULE_0__/* .InvalidValue */ .h6(input, `process ${(0,_values_js__WEBPACK_IMPORTED_MODULE_0__/* .showValue */ .vp)(process)} is given twice (lines ${earlier.line} and ${line}); give each process once`);
        }
        found.set(process, { ref: parseImageEntry(process, image, registryHosts, input), line });
    });
    return Object.fromEntries([...found].map(([process, { ref }]) => [process, ref]));
}
/** One `PROCESS=IMAGE` pair (also the config file's map form). */
function parseImageEntry(process, image, registryHosts, input = 'images') {
    if (!PROCESS_TYPE.test(process)) {
        throw new _values_js__WEBPACK_IMPORTED_MODULE_0__/* .InvalidValue */ .h6(input, `invalid process type ${(0,_values_js__WEBPACK_IMPORTED_MODULE_0__/* .showValue */ .vp)(process)}; process types are letters, digits, _ and - (at most 128)`);
    }
    const ref = parseImageReference(image, registryHosts);
    if (!ref) {
        throw new _values_js__WEBPACK_IMPORTED_MODULE_0__/* .InvalidValue */ .h6(input, `invalid image ${(0,_values_js__WEBPACK_IMPORTED_MODULE_0__/* .showValue */ .vp)(image)} for process ${process}; ${ALLOWED}`);
    }
    return ref;
}
/**
 * A docker image reference: a registry image when its host is one of `registryHosts` (then the
 * path must be `<app>/<name>`), else a local image. Undefined when it is not a reference.
 */
function parseImageReference(value, registryHosts) {
    if (value === '' || value.length > 512 || /[\s\p{C}]/u.test(value) || value.includes('://'))
        return undefined;
    let rest = value;
    let digest;
    const at = rest.indexOf('@');
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!DIGEST.test(digest))
            return undefined;
    }
    let tag;
    const lastSlash = rest.lastIndexOf('/');
    const colon = rest.lastIndexOf(':');
    if (colon > lastSlash) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!TAG.test(tag))
            return undefined;
    }
    const parts = rest.split('/');
    // Docker's rule: the first component is a host when it has a dot or a port, or is localhost.
    const hasHost = parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost');
    const host = hasHost ? parts[0] : undefined;
    const path = hasHost ? parts.slice(1) : parts;
    if (host !== undefined && !HOST.test(host))
        return undefined;
    if (path.length === 0 || !path.every((p) => PATH_COMPONENT.test(p)))
        return undefined;
    const isRegistry = host !== undefined && registryHosts.some((h) => h.toLowerCase() === host.toLowerCase());
    if (!isRegistry)
        return { kind: 'local', name: value };
    if (path.length !== 2)
        return undefined;
    if (digest && tag)
        tag = undefined;
    return {
        kind: 'registry',
        app: path[0],
        repository: `${path[0]}/${path[1]}`,
        reference: digest ?? tag ?? 'latest'
    };
}


/***/ }),

/***/ 4811:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DI: () => (/* reexport */ context/* getRunContext */.DI),
  mt: () => (/* reexport */ getSettings)
});

// UNUSED EXPORTS: INPUTS, INPUT_DEFAULTS, INTEGER_LIMITS, commandForEvent, parseApiUrl, parseAppName, parseBodyPattern, parseBoolean, parseCommand, parseHealthCheckTarget, parseIncludeGlob, parseKeyValueLines, parseList, parsePipelineName, parsePositiveInt, parseRegex, parseReleaseRef, parseStatusRanges, readInput, resolveSourceDir, showValue

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
;// CONCATENATED MODULE: ./src/inputs/table.ts
/**
 * Every input the action takes, in one table: its action.yml default, its shape in the config
 * file, whether it is a secret, its limits, whether a target may override it. The rest of the
 * input handling reads this table; a test holds it equal to action.yml.
 */
const INPUTS = {
    'heroku-api-key': { default: '', kind: 'string', secret: true },
    command: { default: 'auto', kind: 'string' },
    pipeline: { default: '', kind: 'string' },
    app: { default: '', kind: 'string' },
    targets: { default: '', kind: 'targets' },
    waves: { default: '', kind: 'waves' },
    'wave-bake-time': { default: '0', kind: 'integer', limits: { allowZero: true, max: 3600 } },
    'wave-failure': { default: 'stop', kind: 'string' },
    promote: { default: 'false', kind: 'boolean' },
    release: { default: '', kind: 'string' },
    'source-dir': { default: '.', kind: 'string' },
    method: { default: 'build', kind: 'string' },
    images: { default: '', kind: 'key-values' },
    'include-ignored': { default: '', kind: 'list' },
    version: { default: '', kind: 'string' },
    buildpacks: { default: '', kind: 'list' },
    'config-vars': { default: '', kind: 'key-values' },
    'review-app-env': { default: '', kind: 'key-values' },
    'review-app-max-age': {
        default: '0',
        kind: 'integer',
        limits: { allowZero: true, max: 3650 }
    },
    'review-app-method': { default: 'auto', kind: 'string' },
    'review-app-name': { default: '{pipeline}-pr-{pr}', kind: 'string' },
    'health-check': { default: '', kind: 'string', perTarget: true },
    'health-check-status': { default: '200-399', kind: 'status', perTarget: true },
    'health-check-body': { default: '', kind: 'string', perTarget: true },
    'health-check-timeout': {
        default: '300',
        kind: 'integer',
        limits: { allowZero: false, max: 86400 },
        perTarget: true
    },
    'health-check-interval': {
        default: '5',
        kind: 'integer',
        limits: { allowZero: false, max: 3600 },
        perTarget: true
    },
    'health-check-successes': {
        default: '2',
        kind: 'integer',
        limits: { allowZero: false, max: 100 },
        perTarget: true
    },
    'preboot-wait': {
        default: '200',
        kind: 'integer',
        limits: { allowZero: true, max: 3600 },
        perTarget: true
    },
    'rollback-on-failure': { default: 'true', kind: 'boolean' },
    'wait-timeout': { default: '3600', kind: 'integer', limits: { allowZero: false, max: 86400 } },
    'github-token': { default: '', kind: 'string', secret: true },
    'pr-comment': { default: 'true', kind: 'boolean' },
    'github-deployments': { default: 'true', kind: 'boolean' },
    'config-file': { default: '', kind: 'string', notInFile: true },
    'dry-run': { default: 'false', kind: 'boolean' },
    'heroku-api-url': { default: 'https://api.heroku.com', kind: 'string' },
    'heroku-registry-url': { default: 'https://registry.heroku.com', kind: 'string' }
};
const names = Object.keys(INPUTS);
/** The action.yml default of every input. */
const INPUT_DEFAULTS = Object.fromEntries(names.map((n) => [n, INPUTS[n].default]));
/** Whole-number inputs and their bounds. */
const INTEGER_LIMITS = Object.fromEntries(names.flatMap((n) => {
    const spec = INPUTS[n];
    return spec.limits ? [[n, spec.limits]] : [];
}));
const SECRET_INPUTS = new Set(names.filter((n) => INPUTS[n].secret));
/** Keys the config file accepts and the YAML shape of each (one is the file's own). */
const FILE_KEYS = {
    ...Object.fromEntries(names
        .filter((n) => {
        const spec = INPUTS[n];
        return !spec.secret && !spec.notInFile;
    })
        .map((n) => [n, INPUTS[n].kind])),
    /** The review apps' GitHub environment: a file-only setting. */
    'review-app-environment': 'string'
};
/** The health settings a target may override, in the table's order. */
const HEALTH_FIELDS = names.filter((n) => INPUTS[n].perTarget);
/** Keys of a map in the config file's `targets` list. */
const TARGET_KEYS = {
    app: 'string',
    ...Object.fromEntries(HEALTH_FIELDS.map((n) => [n, INPUTS[n].kind]))
};

// EXTERNAL MODULE: ./src/inputs/images.ts
var inputs_images = __webpack_require__(9123);
// EXTERNAL MODULE: ./src/inputs/context.ts
var context = __webpack_require__(5722);
// EXTERNAL MODULE: ./src/inputs/values.ts
var inputs_values = __webpack_require__(8463);
;// CONCATENATED MODULE: ./src/inputs/config-file.ts
/**
 * The config file: YAML whose keys are input names, read, masked and checked whole (errors name
 * the file, the line and the key), and its per-target health settings.
 */








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
    throw (0,inputs_values/* fileError */.zS)({ file: config.file, line, key: parentKey || '(top level)' }, 'every key must be a plain string');
}
function loadConfigFile(configPath, workspace, mask) {
    const input = 'config-file';
    const fullPath = external_node_path_.resolve(workspace, configPath);
    let text;
    try {
        const stat = external_node_fs_.statSync(fullPath);
        if (!stat.isFile())
            throw (0,inputs_values/* invalid */.Gq)(input, configPath, 'expected a YAML file (this is not a file)');
        if (stat.size > inputs_values/* MAX_CONFIG_FILE_BYTES */.pB) {
            throw (0,inputs_values/* invalid */.Gq)(input, configPath, `expected a YAML file of at most ${inputs_values/* MAX_CONFIG_FILE_BYTES */.pB} bytes`);
        }
        text = external_node_fs_.readFileSync(fullPath, 'utf8');
    }
    catch (err) {
        if (err instanceof errors/* InputError */.dz)
            throw err;
        const code = (0,context/* isRecord */.u4)(err) && typeof err.code === 'string' ? err.code : 'read error';
        throw (0,inputs_values/* invalid */.Gq)(input, configPath, `expected a readable YAML file, path relative to the workspace (${(0,inputs_values/* escapeText */.X1)(code, 40)})`);
    }
    const lines = new dist/* LineCounter */.HN();
    const doc = (0,dist/* parseDocument */.Tp)(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const config = { file: configPath, doc, lines, entries: new Map() };
    maskFileSecrets(config, mask);
    const syntaxError = doc.errors[0];
    if (syntaxError) {
        const line = lines.linePos(syntaxError.pos[0]).line;
        const key = topLevelKeyAt(config, syntaxError.pos[0]);
        const keyPart = key === undefined ? '' : `, key ${(0,inputs_values/* showValue */.vp)(key)}`;
        throw new errors/* InputError */.dz(key ?? input, `Config file ${(0,inputs_values/* showValue */.vp)(configPath)}, line ${line}${keyPart}: YAML syntax error (${syntaxError.code}): ${(0,inputs_values/* escapeText */.X1)(syntaxError.message, 160)}`);
    }
    const root = doc.contents;
    if (root === null || ((0,dist/* isScalar */.jn)(root) && root.value === null))
        return config;
    if (!(0,dist/* isMap */.jh)(root)) {
        throw (0,inputs_values/* fileError */.zS)({ file: configPath, line: lineOf(config, root), key: '(top level)' }, `expected a map of input names to values, got ${describeNode(root)}`);
    }
    for (const pair of root.items) {
        const key = pairKey(config, pair, '', 1);
        const keyLine = lineOf(config, pair.key);
        const loc = { file: configPath, line: keyLine, key };
        if (SECRET_INPUTS.has(key)) {
            throw (0,inputs_values/* fileError */.zS)(loc, `secrets do not belong in the config file (it is committed with the code); pass ${key} in the workflow from the repository's secrets, e.g. ${(0,inputs_values/* secretExample */.Pj)(key)}`);
        }
        if (key === 'config-file')
            throw (0,inputs_values/* fileError */.zS)(loc, 'the config file cannot name another config file');
        if (!Object.hasOwn(FILE_KEYS, key)) {
            throw (0,inputs_values/* fileError */.zS)(loc, (0,inputs_values/* unknownKeyProblem */.xT)(key, Object.keys(FILE_KEYS), ''));
        }
        const node = resolveNode(doc, pair.value);
        if (node === undefined && pair.value !== null && (0,dist/* isAlias */.Vj)(pair.value)) {
            throw (0,inputs_values/* fileError */.zS)(loc, 'the alias does not point to a value');
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
function maskFileSecrets(config, mask) {
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
                (0,context/* maskSecret */.$l)(value, mask);
        else if ((0,dist/* isScalar */.jn)(node) && typeof node.value === 'string') {
            if (SECRET_INPUTS.has(String(key)))
                (0,context/* maskSecret */.$l)(node.value.trim(), mask);
            else
                (0,context/* maskKeyValueText */.co)(node.value, mask);
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
        throw (0,inputs_values/* fileError */.zS)(loc, 'expected a value here');
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
        throw (0,inputs_values/* fileError */.zS)(entry, `expected ${expected}, got ${describeNode(node)}`);
    const value = node.value;
    if (typeof value === 'string')
        return value;
    // Numbers keep their source text, so `version: 1.10` stays "1.10" and `timeout: 1e3` is refused.
    if (typeof value === 'number' && kind !== 'boolean')
        return node.source ?? String(value);
    if (typeof value === 'boolean' && kind === 'boolean')
        return String(value);
    throw (0,inputs_values/* fileError */.zS)(entry, `expected ${expected}, got ${describeNode(node)}`);
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
    return (0,inputs_values/* parseList */.E1)(scalarText(entry, 'string')).map((text) => ({ text, origin }));
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
/**
 * `config-vars`, `review-app-env` or `images` in the file: a `KEY: value` map, or `KEY=VALUE`
 * lines; `keys` says which keys the input takes (process types for `images`, else config var
 * names).
 */
function fileKeyValues(entry, keys = entry.key === 'images' ? inputs_images/* PROCESS_TYPE_KEYS */.aE : inputs_values/* CONFIG_VAR_KEYS */._P) {
    const node = entry.node;
    if (!(0,dist/* isMap */.jh)(node)) {
        const text = scalarText(entry, 'string');
        return (0,inputs_values/* located */.t4)(fileOrigin(entry), () => (0,inputs_values/* parseKeyValueLines */.FF)(text, entry.key, keys));
    }
    const result = new Map();
    for (const pair of node.items) {
        const key = pairKey(entry.config, pair, entry.key, entry.line);
        const keyLine = lineOf(entry.config, pair.key, entry.line);
        const keyPath = `${entry.key}.${key}`;
        if (!keys.pattern.test(key)) {
            throw (0,inputs_values/* fileError */.zS)({ file: entry.file, line: keyLine, key: keyPath }, `invalid key; ${keys.says}`);
        }
        const child = childEntry(entry, pair.value, keyPath, keyLine);
        const value = child.node;
        const kind = (0,dist/* isScalar */.jn)(value) ? typeof value.value : '';
        if (!(0,dist/* isScalar */.jn)(value) || !['string', 'number', 'boolean'].includes(kind)) {
            // The value is a secret: say what it is, never what it holds.
            throw (0,inputs_values/* fileError */.zS)(child, `expected a string value (write "" for an empty one), got ${describeNode(value)}`);
        }
        result.set(key, scalarString(value));
    }
    return Object.fromEntries(result);
}
/** An app named by text in `targets` or `waves`: the name checked where it was written. */
function namedApp(text, origin, input, overrides = []) {
    return { app: (0,inputs_values/* located */.t4)(origin, () => (0,inputs_values/* parseAppName */.QV)(text, input)), origin, overrides };
}
/** A map in the file's `targets` list: `{app, health-check…}`. */
function fileTargetMap(entry) {
    const node = entry.node;
    if (!(0,dist/* isMap */.jh)(node))
        throw (0,inputs_values/* fileError */.zS)(entry, `expected an app name or a map, got ${describeNode(node)}`);
    const fields = new Map();
    for (const pair of node.items) {
        const key = pairKey(entry.config, pair, entry.key, entry.line);
        const keyLine = lineOf(entry.config, pair.key, entry.line);
        const keyPath = `${entry.key}.${key}`;
        if (!Object.hasOwn(TARGET_KEYS, key)) {
            throw (0,inputs_values/* fileError */.zS)({ file: entry.file, line: keyLine, key: keyPath }, (0,inputs_values/* unknownKeyProblem */.xT)(key, Object.keys(TARGET_KEYS), ' in a target'));
        }
        const child = childEntry(entry, pair.value, keyPath, keyLine);
        if (!isNullNode(child.node))
            fields.set(key, child);
    }
    const appEntry = fields.get('app');
    if (!appEntry)
        throw (0,inputs_values/* fileError */.zS)(entry, 'a target map needs an app, e.g. "- app: my-app-eu"');
    const appText = scalarText(appEntry, 'string');
    const app = (0,inputs_values/* located */.t4)(fileOrigin(appEntry), () => (0,inputs_values/* parseAppName */.QV)(appText, 'app'));
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
        return fileListItems(entry).map(({ text, origin }) => namedApp(text, origin, 'targets'));
    }
    return node.items.map((item, i) => {
        const child = childEntry(entry, item, `targets[${i}]`);
        if ((0,dist/* isMap */.jh)(child.node))
            return fileTargetMap(child);
        const text = scalarText(child, 'string');
        const origin = fileOrigin(child);
        return namedApp(text, origin, 'targets');
    });
}
/**
 * The file's `waves`: a list of waves, each a list of app names and target maps (as `targets`
 * entries) or one comma separated string; or one string with a wave per line.
 */
function fileWaves(entry) {
    const node = entry.node;
    if (!(0,dist/* isSeq */.oP)(node)) {
        const origin = fileOrigin(entry);
        return parseWaveLines(scalarText(entry, 'string')).map((wave) => wave.map((text) => namedApp(text, origin, 'waves')));
    }
    return node.items.map((item, i) => {
        const child = childEntry(entry, item, `waves[${i}]`);
        if ((0,dist/* isSeq */.oP)(child.node))
            return fileTargets(child);
        if ((0,dist/* isMap */.jh)(child.node))
            return [fileTargetMap(child)];
        const origin = fileOrigin(child);
        return (0,inputs_values/* parseList */.E1)(scalarText(child, 'string')).map((text) => namedApp(text, origin, 'waves'));
    });
}
/** `waves` as the workflow writes it: one line per wave, apps comma separated; blank lines skipped. */
function parseWaveLines(text) {
    return text
        .split(/\r?\n/)
        .map((line) => (0,inputs_values/* parseList */.E1)(line))
        .filter((wave) => wave.length > 0);
}
/** Sets one health field from its text. For a target, an empty check or body turns it off. */
function applyHealthField(health, name, text) {
    switch (name) {
        case 'health-check':
            health.target = text.trim() === '' ? undefined : (0,inputs_values/* parseHealthCheckTarget */.Jf)(text, name);
            return;
        case 'health-check-body':
            health.bodyPattern = text.trim() === '' ? undefined : (0,inputs_values/* parseBodyPattern */.Io)(text, name);
            return;
        case 'health-check-status':
            health.statuses = (0,inputs_values/* parseStatusRanges */.C2)(text, name);
            return;
        case 'health-check-timeout':
            health.timeoutSeconds = (0,inputs_values/* parsePositiveInt */.EJ)(text, name, INTEGER_LIMITS[name]);
            return;
        case 'health-check-interval':
            health.intervalSeconds = (0,inputs_values/* parsePositiveInt */.EJ)(text, name, INTEGER_LIMITS[name]);
            return;
        case 'health-check-successes':
            health.successes = (0,inputs_values/* parsePositiveInt */.EJ)(text, name, INTEGER_LIMITS[name]);
            return;
        case 'preboot-wait':
            health.prebootWaitSeconds = (0,inputs_values/* parsePositiveInt */.EJ)(text, name, INTEGER_LIMITS[name]);
            return;
    }
}
function checkIntervalWithinTimeout(health, origin) {
    if (health.intervalSeconds <= health.timeoutSeconds)
        return;
    (0,inputs_values/* located */.t4)(origin, () => {
        throw new inputs_values/* InvalidValue */.h6('health-check-interval', `the interval (${health.intervalSeconds} s) is longer than health-check-timeout (${health.timeoutSeconds} s); the interval must not exceed the timeout`);
    });
}

// EXTERNAL MODULE: ./src/review-app-name.ts
var review_app_name = __webpack_require__(2921);
;// CONCATENATED MODULE: ./src/inputs/config-file-check.ts





/**
 * Every key of the file in its shape (and, for booleans, whole numbers and status ranges, its
 * value), whether or not the workflow sets the same input: errors name the file, line and key.
 */
function checkWholeFile(config) {
    for (const [key, entry] of config.entries) {
        const kind = FILE_KEYS[key];
        const at = fileOrigin(entry);
        switch (kind) {
            case 'targets':
                checkTargetValues(fileTargets(entry));
                break;
            case 'waves':
                checkTargetValues(fileWaves(entry).flat());
                break;
            case 'list': {
                const items = fileListItems(entry);
                // A glob leaving source-dir is refused wherever it is, also when the workflow overrides it.
                if (key === 'include-ignored')
                    for (const item of items)
                        (0,inputs_values/* located */.t4)(item.origin, () => (0,inputs_values/* parseIncludeGlob */.i5)(item.text));
                if (key === 'buildpacks')
                    for (const item of items)
                        (0,inputs_values/* located */.t4)(item.origin, () => (0,inputs_values/* parseBuildpack */.$d)(item.text));
                break;
            }
            case 'key-values': {
                const values = fileKeyValues(entry);
                // The reference's form only: which registry host it names is the run's heroku-registry-url.
                if (key === 'images')
                    for (const [process, image] of Object.entries(values))
                        (0,inputs_values/* located */.t4)(at, () => (0,inputs_images/* parseImageEntry */.$W)(process, image, [inputs_images/* HEROKU_REGISTRY_HOST */.Ah]));
                break;
            }
            case 'boolean': {
                const text = scalarText(entry, kind);
                if (text.trim() !== '')
                    (0,inputs_values/* located */.t4)(at, () => (0,inputs_values/* parseBoolean */.yG)(text, key, false));
                break;
            }
            case 'integer': {
                const text = scalarText(entry, kind);
                const limits = INTEGER_LIMITS[key];
                if (text.trim() !== '' && limits)
                    (0,inputs_values/* located */.t4)(at, () => (0,inputs_values/* parsePositiveInt */.EJ)(text, key, limits));
                break;
            }
            case 'status': {
                const text = scalarText(entry, kind);
                if (text.trim() !== '')
                    (0,inputs_values/* located */.t4)(at, () => (0,inputs_values/* parseStatusRanges */.C2)(text, key));
                break;
            }
            default: {
                // A value another workflow would refuse is refused here too (`command: depoly`).
                const text = scalarText(entry, 'string');
                const parse = STRING_VALUE_CHECKS[key];
                if (parse && text.trim() !== '')
                    (0,inputs_values/* located */.t4)(at, () => parse(text, key));
            }
        }
    }
}
/** The string keys whose values have a fixed form, checked wherever they are set. */
const STRING_VALUE_CHECKS = {
    command: inputs_values/* parseCommand */.RM,
    method: inputs_values/* parseMethod */.$x,
    'wave-failure': inputs_values/* parseWaveFailure */.rt,
    'review-app-method': inputs_values/* parseReviewAppMethod */.gK,
    app: inputs_values/* parseAppName */.QV,
    pipeline: inputs_values/* parsePipelineName */.XZ,
    release: inputs_values/* parseReleaseRef */.GJ,
    'health-check': inputs_values/* parseHealthCheckTarget */.Jf,
    'health-check-body': inputs_values/* parseBodyPattern */.Io,
    'heroku-api-url': inputs_values/* parseApiUrl */.nV,
    'heroku-registry-url': inputs_values/* parseApiUrl */.nV,
    'review-app-name': (text) => (0,review_app_name/* parseReviewAppNameTemplate */.C7)(text),
    version: (text, input) => (0,inputs_values/* parseLine */.A)(text, input, 256, 'a source version such as a commit SHA')
};
/** Every target's own health settings, also of apps this workflow does not promote to. */
function checkTargetValues(targets) {
    for (const target of targets) {
        const scratch = {
            target: undefined,
            statuses: [],
            bodyPattern: undefined,
            timeoutSeconds: 1,
            intervalSeconds: 1,
            successes: 1,
            prebootWaitSeconds: 0
        };
        for (const o of target.overrides)
            (0,inputs_values/* located */.t4)(o.origin, () => applyHealthField(scratch, o.name, o.text));
    }
}

// EXTERNAL MODULE: ./src/health/marker.ts
var marker = __webpack_require__(9662);
;// CONCATENATED MODULE: ./src/inputs/method-checks.ts
/**
 * What a `method` brings with it, checked across the settings: `container` and its `images`,
 * and what `git` cannot carry. A value from the (shared) config file that does not apply here
 * is dropped; the same value from the workflow is an input error.
 */


const WORKFLOW = { kind: 'workflow' };
/**
 * `method: git` on `deploy`: a git push builds with the buildpacks set on the app, and Heroku
 * records the pushed commit as the version, so neither input could reach the build.
 */
function checkGitMethod(settings, origins, defaultVersion) {
    if (settings.method !== 'git' || settings.command !== 'deploy')
        return;
    const yields = (origin) => origin.kind === 'file' && origins.method.kind !== 'file';
    if (origins.buildpacks) {
        if (yields(origins.buildpacks))
            settings.buildpacks = [];
        else
            (0,inputs_values/* located */.t4)(origins.buildpacks, () => {
                throw new inputs_values/* InvalidValue */.h6('buildpacks', 'are not sent with method git: a git push builds with the buildpacks set on the app (heroku buildpacks:set); use method build to choose them per build');
            });
    }
    if (origins.version.kind !== 'default') {
        if (yields(origins.version))
            settings.version = defaultVersion;
        else
            (0,inputs_values/* located */.t4)(origins.version, () => {
                throw new inputs_values/* InvalidValue */.h6('version', 'cannot be set with method git: Heroku records the pushed commit as the version; use method build to name the version yourself');
            });
    }
}
/**
 * `method: container` and `images` belong together, on `deploy`: `images` is required with
 * container (the processes to release), and build-only settings do not apply to it. A value from
 * the (shared) config file that does not apply here is dropped; from the workflow it is an error.
 */
function checkContainerMethod(settings, origins) {
    const { command } = settings;
    const fromFile = (origin) => origin?.kind === 'file';
    if (settings.method === 'container' && command === 'review-app') {
        if (fromFile(origins.method))
            settings.method = 'build';
        else {
            throw new inputs_values/* InvalidValue */.h6('method', `container cannot be used with command review-app${origins.commandWhy}: review apps are built from a source tarball; use method build`);
        }
    }
    const hasImages = Object.keys(settings.images).length > 0;
    if (settings.method !== 'container' || command !== 'deploy') {
        if (hasImages && command === 'deploy' && !fromFile(origins.images)) {
            (0,inputs_values/* located */.t4)(origins.images ?? WORKFLOW, () => {
                throw new inputs_values/* InvalidValue */.h6('images', `is only used with method container (method is ${settings.method}); set method: container to release these images, or leave images out`);
            });
        }
        // Images from the config file serve the workflows that release them; the others ignore them.
        settings.images = {};
        return;
    }
    if (!hasImages) {
        throw new inputs_values/* InvalidValue */.h6('images', 'is required with method container: list the images to release, one PROCESS=IMAGE per line (e.g. web=registry.heroku.com/<app>/web:latest)');
    }
    // A container release has no source commit: a `{commit}` marker could never pass, and the
    // targets of `promote: true` get the same images.
    for (const [health, where] of [
        [settings.health, ''],
        ...settings.targets.map((t) => [t.health, ` (target ${t.app})`])
    ]) {
        const problem = (0,marker/* unknownCommitProblem */.$i)(health, undefined, `a release of method container${where}`, true);
        if (problem)
            throw new inputs_values/* InvalidValue */.h6('health-check-body', problem);
    }
    if (settings.buildpacks.length > 0) {
        if (fromFile(origins.buildpacks))
            settings.buildpacks = [];
        else {
            throw new inputs_values/* InvalidValue */.h6('buildpacks', 'do not apply to method container: the images are built already; leave buildpacks out');
        }
    }
    if (settings.includeIgnored.length > 0) {
        if (fromFile(origins.includeIgnored))
            settings.includeIgnored = [];
        else {
            throw new inputs_values/* InvalidValue */.h6('include-ignored', 'needs method build: method container packages no source; leave include-ignored out');
        }
    }
}

;// CONCATENATED MODULE: ./src/inputs/source-dir.ts
/** `source-dir`: a directory inside the workspace, after `..` and symbolic links. */



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
        throw (0,inputs_values/* invalid */.Gq)(input, raw, inside);
    const lexical = external_node_path_.resolve(workspace, value);
    if (!isInside(external_node_path_.resolve(workspace), lexical)) {
        throw (0,inputs_values/* invalid */.Gq)(input, raw, `${inside}; ".." or an absolute path may not leave it`);
    }
    let real;
    try {
        real = external_node_fs_.realpathSync(lexical);
    }
    catch {
        if (!mustExist)
            return lexical;
        throw (0,inputs_values/* invalid */.Gq)(input, raw, `${inside}; it does not exist (did the workflow check out the code?)`);
    }
    if (!isInside(realpathOr(workspace), real)) {
        throw (0,inputs_values/* invalid */.Gq)(input, raw, `${inside}; a symbolic link leads outside it`);
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
            throw (0,inputs_values/* invalid */.Gq)(input, raw, `${inside}; this is not a directory`);
    }
    return real;
}

;// CONCATENATED MODULE: ./src/inputs/targets.ts


const targets_WORKFLOW = { kind: 'workflow' };
function promotionTargets(inputs) {
    const { file, targetsFromWorkflow, wavesFromWorkflow, sourceApp, health } = inputs;
    const targetsEntry = file?.entries.get('targets');
    const fileTargetSpecs = targetsEntry ? fileTargets(targetsEntry) : [];
    const wavesEntry = file?.entries.get('waves');
    const fileWaveSpecs = wavesEntry ? fileWaves(wavesEntry) : [];
    /** The file's health settings for an app the workflow names (from its targets or its waves). */
    const fileOverridesFor = (name) => [...fileTargetSpecs, ...fileWaveSpecs.flat()].find((spec) => sameApp(spec.app, name))
        ?.overrides ?? [];
    /** An app the workflow names, with the file's health settings for it. */
    const workflowApp = (text, input) => {
        const named = namedApp(text, targets_WORKFLOW, input);
        return { ...named, overrides: fileOverridesFor(named.app) };
    };
    // Waves and targets exclude each other on the level that sets them: the workflow's, where it
    // sets either; else the file's.
    const bothAt = targetsFromWorkflow !== undefined && wavesFromWorkflow !== undefined
        ? targets_WORKFLOW
        : targetsFromWorkflow === undefined &&
            wavesFromWorkflow === undefined &&
            wavesEntry &&
            targetsEntry
            ? fileOrigin(wavesEntry)
            : undefined;
    if (bothAt) {
        (0,inputs_values/* located */.t4)(bothAt, () => {
            throw new inputs_values/* InvalidValue */.h6('waves', `waves and targets are both set: a promotion in waves names its targets in waves, so leave targets ${bothAt === targets_WORKFLOW ? 'empty' : 'out'}`);
        });
    }
    // A level (workflow, file) that sets one of them overrides the other level's.
    const waveSpecs = targetsFromWorkflow !== undefined
        ? []
        : wavesFromWorkflow !== undefined
            ? parseWaveLines(wavesFromWorkflow).map((wave) => wave.map((text) => workflowApp(text, 'waves')))
            : fileWaveSpecs;
    const targetSpecs = waveSpecs.length > 0
        ? waveSpecs.flat()
        : targetsFromWorkflow === undefined
            ? fileTargetSpecs
            : (0,inputs_values/* parseList */.E1)(targetsFromWorkflow).map((text) => workflowApp(text, 'targets'));
    const targetsInput = waveSpecs.length > 0 ? 'waves' : 'targets';
    const targets = [];
    for (const spec of targetSpecs) {
        if (targets.some((t) => sameApp(t.app, spec.app))) {
            (0,inputs_values/* located */.t4)(spec.origin, () => {
                throw new inputs_values/* InvalidValue */.h6(targetsInput, waveSpecs.length > 0
                    ? `app ${(0,inputs_values/* showValue */.vp)(spec.app)} is listed twice; each app belongs to one wave, once`
                    : `app ${(0,inputs_values/* showValue */.vp)(spec.app)} is listed twice; list each target once`);
            });
        }
        if (sourceApp !== undefined && sameApp(sourceApp, spec.app)) {
            (0,inputs_values/* located */.t4)(spec.origin, () => {
                throw new inputs_values/* InvalidValue */.h6(targetsInput, `app ${(0,inputs_values/* showValue */.vp)(spec.app)} is also the source app (app); list only the apps to promote to`);
            });
        }
        const targetHealth = { ...health, statuses: [...health.statuses] };
        for (const override of spec.overrides) {
            if (override.text.trim() === '' &&
                override.name !== 'health-check' &&
                override.name !== 'health-check-body')
                continue;
            (0,inputs_values/* located */.t4)(override.origin, () => applyHealthField(targetHealth, override.name, override.text));
        }
        if (spec.overrides.length > 0) {
            checkIntervalWithinTimeout(targetHealth, spec.origin.kind === 'file' ? spec.origin : targets_WORKFLOW);
        }
        targets.push({ app: spec.app, health: targetHealth });
    }
    // The waves, as the targets above grouped (same objects, same order).
    let next = 0;
    const waves = waveSpecs.map((wave) => wave.map(() => targets[next++]));
    return { targets, waves };
}
/** App names are lowercase; UUIDs may be written in either case. */
function sameApp(a, b) {
    return a.toLowerCase() === b.toLowerCase();
}

;// CONCATENATED MODULE: ./src/inputs/settings.ts
/**
 * All inputs and the config file → one typed, validated `Settings`. Nothing here talks to the
 * network.
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










// ---------------------------------------------------------------------------------------------
// Settings
const settings_WORKFLOW = { kind: 'workflow' };
const DEFAULT = { kind: 'default' };
/**
 * Every input and the config file → `Settings`, validated without any network call.
 * Hands the Heroku key, the GitHub token and every config-var / review-app-env value to `mask`
 * first (also when validation then fails).
 */
function getSettings(env, ctx, mask) {
    // Secrets first: masked before anything can fail or log.
    const herokuApiKey = (0,context/* readInput */.R5)(env, 'heroku-api-key');
    const githubToken = (0,context/* readInput */.R5)(env, 'github-token');
    (0,context/* maskSecret */.$l)(herokuApiKey, mask);
    (0,context/* maskSecret */.$l)(githubToken, mask);
    (0,context/* maskKeyValueText */.co)((0,context/* readInput */.R5)(env, 'config-vars'), mask);
    (0,context/* maskKeyValueText */.co)((0,context/* readInput */.R5)(env, 'review-app-env'), mask);
    // Required, but only once the command is known (a fork's review-app run has no key).
    (0,inputs_values/* checkSecretToken */.O2)(herokuApiKey, 'heroku-api-key', false);
    (0,inputs_values/* checkSecretToken */.O2)(githubToken, 'github-token', false);
    const configFile = (0,context/* nonEmpty */.hq)((0,context/* readInput */.R5)(env, 'config-file'));
    const file = configFile === undefined ? undefined : loadConfigFile(configFile, ctx.workspace, mask);
    // The file is shared by several workflows: all of it is checked, also the keys this
    // workflow overrides (a wrong type there would break the next workflow that reads it).
    if (file)
        checkWholeFile(file);
    /** The workflow's value, unless it is empty or the action.yml default (then the file may set it). */
    const workflowValue = (name) => {
        const value = (0,context/* readInput */.R5)(env, name);
        if (value === '' || value === INPUT_DEFAULTS[name])
            return undefined;
        if (name === 'version' && value === ctx.sha)
            return undefined;
        return value;
    };
    const pick = (name, kind) => {
        const fromWorkflow = workflowValue(name);
        if (fromWorkflow !== undefined)
            return { text: fromWorkflow, origin: settings_WORKFLOW };
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
        return { value: (0,inputs_values/* located */.t4)(picked.origin, () => parse(picked.text, name)), origin: picked.origin };
    };
    const boolean = (name) => {
        const picked = pick(name, 'boolean');
        const fallback = INPUT_DEFAULTS[name] === 'true';
        return {
            value: (0,inputs_values/* located */.t4)(picked.origin, () => (0,inputs_values/* parseBoolean */.yG)(picked.text, name, fallback)),
            origin: picked.origin
        };
    };
    const integer = (name) => {
        const picked = pick(name, 'integer');
        return (0,inputs_values/* located */.t4)(picked.origin, () => (0,inputs_values/* parsePositiveInt */.EJ)(picked.text, name, INTEGER_LIMITS[name]));
    };
    const keyValues = (name) => {
        const fromWorkflow = workflowValue(name);
        if (fromWorkflow !== undefined)
            return (0,inputs_values/* parseKeyValueLines */.FF)(fromWorkflow, name);
        const entry = file?.entries.get(name);
        return entry ? fileKeyValues(entry) : {};
    };
    // command
    const commandPicked = pick('command', 'string');
    const commandInput = (0,inputs_values/* located */.t4)(commandPicked.origin, () => (0,inputs_values/* parseCommand */.RM)(commandPicked.text));
    const command = commandInput === 'auto' ? (0,inputs_values/* commandForEvent */.Vt)(ctx.eventName) : commandInput;
    const commandSource = commandInput !== 'auto'
        ? commandPicked.origin.kind === 'file'
            ? 'config-file'
            : 'input'
        : ctx.eventName || 'auto';
    const commandWhy = commandInput === 'auto'
        ? ` (chosen by command: auto from the event ${(0,inputs_values/* showValue */.vp)(ctx.eventName)})`
        : '';
    // GitHub gives a `pull_request` run from a fork no secrets: its review-app run ends skipped
    // (the command says so) instead of failing on the key it cannot have.
    const forkReviewApp = command === 'review-app' &&
        ctx.pullRequest !== undefined &&
        (0,context/* pullRequestFromFork */.vE)(ctx.pullRequest);
    if (!forkReviewApp)
        (0,inputs_values/* checkSecretToken */.O2)(herokuApiKey, 'heroku-api-key', true);
    const pipeline = optional('pipeline', inputs_values/* parsePipelineName */.XZ).value;
    const app = optional('app', inputs_values/* parseAppName */.QV);
    const release = optional('release', inputs_values/* parseReleaseRef */.GJ).value;
    // health: the global settings, then each target's overrides over them
    const health = {
        target: undefined,
        statuses: [],
        bodyPattern: undefined,
        timeoutSeconds: 0,
        intervalSeconds: 0,
        successes: 0,
        prebootWaitSeconds: 0
    };
    const healthOrigins = new Map();
    for (const name of HEALTH_FIELDS) {
        const picked = pick(name, TARGET_KEYS[name]);
        (0,inputs_values/* located */.t4)(picked.origin, () => applyHealthField(health, name, picked.text));
        healthOrigins.set(name, picked.origin);
    }
    const timingOrigin = [
        healthOrigins.get('health-check-interval'),
        healthOrigins.get('health-check-timeout')
    ].find((origin) => origin?.kind === 'file');
    checkIntervalWithinTimeout(health, timingOrigin ?? settings_WORKFLOW);
    // targets and waves: the workflow's (with the file's per-target health for the same apps), or the file's
    const { targets, waves } = promotionTargets({
        file,
        targetsFromWorkflow: workflowValue('targets'),
        wavesFromWorkflow: workflowValue('waves'),
        sourceApp: app.value,
        health
    });
    const waveFailurePicked = pick('wave-failure', 'string');
    const waveFailure = (0,inputs_values/* located */.t4)(waveFailurePicked.origin, () => (0,inputs_values/* parseWaveFailure */.rt)(waveFailurePicked.text));
    const promote = boolean('promote');
    const methodPicked = pick('method', 'string');
    let method = (0,inputs_values/* located */.t4)(methodPicked.origin, () => (0,inputs_values/* parseMethod */.$x)(methodPicked.text));
    const packages = command === 'deploy' || command === 'review-app';
    const sourceDirPicked = pick('source-dir', 'string');
    const sourceDir = (0,inputs_values/* located */.t4)(sourceDirPicked.origin, () => resolveSourceDir(sourceDirPicked.text, ctx.workspace, packages));
    const versionPicked = pick('version', 'string');
    const defaultVersion = command === 'review-app' && ctx.pullRequest ? ctx.pullRequest.headSha : ctx.sha;
    const version = versionPicked.origin.kind === 'default'
        ? defaultVersion
        : (0,inputs_values/* located */.t4)(versionPicked.origin, () => (0,inputs_values/* parseLine */.A)(versionPicked.text, 'version', 256, 'a source version such as a commit SHA'));
    const buildpacksFromWorkflow = workflowValue('buildpacks');
    const buildpacksEntry = file?.entries.get('buildpacks');
    const buildpackItems = buildpacksFromWorkflow !== undefined
        ? (0,inputs_values/* parseList */.E1)(buildpacksFromWorkflow).map((text) => ({ text, origin: settings_WORKFLOW }))
        : buildpacksEntry
            ? fileListItems(buildpacksEntry)
            : [];
    const buildpacks = buildpackItems.map(({ text, origin }) => (0,inputs_values/* located */.t4)(origin, () => (0,inputs_values/* parseBuildpack */.$d)(text)));
    // include-ignored: every glob checked now, before anything happens (none may leave source-dir)
    const includeFromWorkflow = workflowValue('include-ignored');
    const includeEntry = file?.entries.get('include-ignored');
    const includeItems = includeFromWorkflow !== undefined
        ? (0,inputs_values/* parseList */.E1)(includeFromWorkflow).map((text) => ({ text, origin: settings_WORKFLOW }))
        : includeEntry
            ? fileListItems(includeEntry)
            : [];
    const includeIgnored = [
        ...new Set(includeItems.map(({ text, origin }) => (0,inputs_values/* located */.t4)(origin, () => (0,inputs_values/* parseIncludeGlob */.i5)(text))))
    ];
    const configVars = keyValues('config-vars');
    const reviewAppEnv = keyValues('review-app-env');
    const reviewAppMethodPicked = pick('review-app-method', 'string');
    const reviewAppMethod = (0,inputs_values/* located */.t4)(reviewAppMethodPicked.origin, () => (0,inputs_values/* parseReviewAppMethod */.gK)(reviewAppMethodPicked.text));
    const reviewAppNamePicked = pick('review-app-name', 'string');
    const reviewAppName = (0,inputs_values/* located */.t4)(reviewAppNamePicked.origin, () => (0,review_app_name/* parseReviewAppNameTemplate */.C7)(reviewAppNamePicked.text));
    const environmentEntry = file?.entries.get('review-app-environment');
    let reviewAppEnvironment;
    if (environmentEntry) {
        const text = scalarText(environmentEntry, 'string');
        reviewAppEnvironment = (0,inputs_values/* located */.t4)(fileOrigin(environmentEntry), () => (0,inputs_values/* parseLine */.A)(text, 'review-app-environment', 255, 'a GitHub environment name'));
        if (reviewAppEnvironment === '')
            reviewAppEnvironment = undefined;
    }
    const herokuApiUrlPicked = pick('heroku-api-url', 'string');
    const herokuApiUrl = (0,inputs_values/* located */.t4)(herokuApiUrlPicked.origin, () => (0,inputs_values/* parseApiUrl */.nV)(herokuApiUrlPicked.text));
    const registryUrlPicked = pick('heroku-registry-url', 'string');
    const herokuRegistryUrl = (0,inputs_values/* located */.t4)(registryUrlPicked.origin, () => (0,inputs_values/* parseApiUrl */.nV)(registryUrlPicked.text, 'heroku-registry-url'));
    // images: registry references name registry.heroku.com (or the configured registry's host)
    const registryHosts = [inputs_images/* HEROKU_REGISTRY_HOST */.Ah, new URL(herokuRegistryUrl).host];
    const imagesFromWorkflow = workflowValue('images');
    const imagesEntry = file?.entries.get('images');
    const imagesOrigin = imagesFromWorkflow !== undefined ? settings_WORKFLOW : imagesEntry ? fileOrigin(imagesEntry) : undefined;
    const images = imagesFromWorkflow !== undefined
        ? (0,inputs_images/* parseImagesLines */.b9)(imagesFromWorkflow, registryHosts)
        : imagesEntry
            ? (0,inputs_values/* located */.t4)(fileOrigin(imagesEntry), () => Object.fromEntries(Object.entries(fileKeyValues(imagesEntry)).map(([process, image]) => [
                process,
                (0,inputs_images/* parseImageEntry */.$W)(process, image, registryHosts)
            ])))
            : {};
    const settings = {
        herokuApiKey,
        command,
        commandSource,
        pipeline,
        app: app.value,
        targets,
        waves,
        waveBakeSeconds: integer('wave-bake-time'),
        waveFailure,
        promote: promote.value,
        release,
        sourceDir,
        method,
        includeIgnored,
        version,
        buildpacks,
        configVars,
        reviewAppEnv,
        reviewAppMaxAgeDays: integer('review-app-max-age'),
        reviewAppMethod,
        reviewAppName,
        health,
        rollbackOnFailure: boolean('rollback-on-failure').value,
        waitTimeoutSeconds: integer('wait-timeout'),
        githubToken,
        prComment: boolean('pr-comment').value,
        githubDeployments: boolean('github-deployments').value,
        reviewAppEnvironment,
        configFile,
        dryRun: boolean('dry-run').value,
        herokuApiUrl,
        images,
        herokuRegistryUrl
    };
    // Cross-field checks. A value that came from the config file (shared by several workflows)
    // and does not apply to this command is ignored; the same value from the workflow is an error.
    if (settings.promote && command !== 'deploy') {
        if (promote.origin.kind === 'file')
            settings.promote = false;
        else {
            throw new inputs_values/* InvalidValue */.h6('promote', `true is only allowed with command deploy, not ${command}${commandWhy}; use command promote to promote a release`);
        }
    }
    if (method === 'git' && command === 'review-app') {
        if (methodPicked.origin.kind === 'file')
            method = 'build';
        else {
            throw new inputs_values/* InvalidValue */.h6('method', `git cannot be used with command review-app${commandWhy}: review apps are created from a source tarball; use method build`);
        }
        settings.method = method;
    }
    if (includeIgnored.length > 0 && command === 'deploy' && settings.method === 'git') {
        const includeOrigin = includeItems[0].origin;
        // A shared file's globs yield to this workflow's own choice of git.
        if (includeOrigin.kind === 'file' && methodPicked.origin.kind !== 'file') {
            settings.includeIgnored = [];
        }
        else {
            const where = methodPicked.origin.kind === 'file' ? ' in the config file' : '';
            (0,inputs_values/* located */.t4)(includeOrigin, () => {
                throw new inputs_values/* InvalidValue */.h6('include-ignored', `needs method build: git push sends only committed files (method is git${where}); use method build to package build output, or leave include-ignored out`);
            });
        }
    }
    checkGitMethod(settings, {
        method: methodPicked.origin,
        buildpacks: buildpackItems[0]?.origin,
        version: versionPicked.origin
    }, defaultVersion);
    checkContainerMethod(settings, {
        method: methodPicked.origin,
        images: imagesOrigin,
        buildpacks: buildpackItems[0]?.origin,
        includeIgnored: includeItems[0]?.origin,
        commandWhy
    });
    if ((command === 'review-app' || command === 'review-app-sweep') && !pipeline) {
        throw new inputs_values/* InvalidValue */.h6('pipeline', `is required by command ${command}${commandWhy}; set it to the pipeline's name or UUID`);
    }
    if (command === 'promote' && targets.length === 0 && !pipeline) {
        throw new inputs_values/* InvalidValue */.h6('pipeline', `is required by command promote${commandWhy} when targets is empty (the targets are the pipeline's production apps); set pipeline or targets`);
    }
    if ((command === 'deploy' || command === 'rollback' || command === 'promote') &&
        !settings.app &&
        !pipeline) {
        throw new inputs_values/* InvalidValue */.h6('app', `command ${command}${commandWhy} needs app or pipeline (neither is set); set app to the Heroku app, or pipeline to use its staging app`);
    }
    return settings;
}

;// CONCATENATED MODULE: ./src/inputs/index.ts
/**
 * All inputs and the config file → one typed, validated `Settings`; the runner's environment and
 * event payload → `RunContext`. `table.ts` lists every input; the rest reads it.
 */







/***/ }),

/***/ 8463:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $d: () => (/* binding */ parseBuildpack),
/* harmony export */   $x: () => (/* binding */ parseMethod),
/* harmony export */   A: () => (/* binding */ parseLine),
/* harmony export */   C2: () => (/* binding */ parseStatusRanges),
/* harmony export */   C3: () => (/* binding */ APP_NAME),
/* harmony export */   E1: () => (/* binding */ parseList),
/* harmony export */   EJ: () => (/* binding */ parsePositiveInt),
/* harmony export */   FF: () => (/* binding */ parseKeyValueLines),
/* harmony export */   GJ: () => (/* binding */ parseReleaseRef),
/* harmony export */   Gq: () => (/* binding */ invalid),
/* harmony export */   Io: () => (/* binding */ parseBodyPattern),
/* harmony export */   Jf: () => (/* binding */ parseHealthCheckTarget),
/* harmony export */   O2: () => (/* binding */ checkSecretToken),
/* harmony export */   Pj: () => (/* binding */ secretExample),
/* harmony export */   QV: () => (/* binding */ parseAppName),
/* harmony export */   RM: () => (/* binding */ parseCommand),
/* harmony export */   Vt: () => (/* binding */ commandForEvent),
/* harmony export */   X1: () => (/* binding */ escapeText),
/* harmony export */   XZ: () => (/* binding */ parsePipelineName),
/* harmony export */   _P: () => (/* binding */ CONFIG_VAR_KEYS),
/* harmony export */   gK: () => (/* binding */ parseReviewAppMethod),
/* harmony export */   h6: () => (/* binding */ InvalidValue),
/* harmony export */   i5: () => (/* binding */ parseIncludeGlob),
/* harmony export */   nV: () => (/* binding */ parseApiUrl),
/* harmony export */   pB: () => (/* binding */ MAX_CONFIG_FILE_BYTES),
/* harmony export */   rt: () => (/* binding */ parseWaveFailure),
/* harmony export */   t4: () => (/* binding */ located),
/* harmony export */   vp: () => (/* binding */ showValue),
/* harmony export */   xT: () => (/* binding */ unknownKeyProblem),
/* harmony export */   yG: () => (/* binding */ parseBoolean),
/* harmony export */   zS: () => (/* binding */ fileError)
/* harmony export */ });
/* unused harmony export parseRegex */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3916);
/* harmony import */ var _health_marker_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9662);
/* harmony import */ var _package_glob_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3128);
/**
 * Input values: the pure parsers (each throws only an InputError that names the input, shows
 * the bad value, never a secret, and says what is allowed) and how values are shown.
 */



const COMMANDS = [
    'deploy',
    'promote',
    'review-app',
    'rollback',
    'review-app-sweep'
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Heroku's app name rule: 3 to 30 characters, lowercase letters, digits and dashes. */
const APP_NAME = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;
const PIPELINE_NAME = /^[a-z][a-z0-9-]{2,29}$/;
const CONFIG_VAR_KEY = /^\w+$/;
const CONFIG_VAR_KEYS = {
    pattern: CONFIG_VAR_KEY,
    says: 'keys are letters, digits and underscores (^\\w+$)'
};
/** Printable ASCII without spaces: what can go into an Authorization header as is. */
const TOKEN_CHARS = /^[\x21-\x7e]+$/;
/** Characters that never belong in a URL, name or version we accept. */
const UNPRINTABLE = /[\p{C}\p{Z}]/u;
const MAX_CONFIG_FILE_BYTES = 1024 * 1024;
// ---------------------------------------------------------------------------------------------
// Errors and showing values
/** An `InputError` that knows its problem apart from its subject, so a config-file location can replace the subject. */
class InvalidValue extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz {
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
    return new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(loc.key, `Config file ${showValue(loc.file)}, line ${loc.line}, key ${showValue(loc.key)}: ${problem}`);
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
function parseKeyValueLines(raw, input, keys = CONFIG_VAR_KEYS) {
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
        if (!keys.pattern.test(key)) {
            throw new InvalidValue(input, `line ${line} of the value has an invalid key (hidden: the line may hold a secret); ${keys.says}, followed by =`);
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
/** `wave-failure`: `stop` or `rollback-all`. */
function parseWaveFailure(raw, input = 'wave-failure') {
    const value = raw.trim().toLowerCase();
    if (value === 'stop' || value === 'rollback-all')
        return value;
    throw new InvalidValue(input, `invalid value ${showValue(raw)}; expected stop or rollback-all`);
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
 * `health-check-body`: a regular expression whose release markers (`{commit}`, `{release}`)
 * are filled in per release. Any other `{name}` is an input error (a typo would otherwise never
 * match, or match literally); the pattern must compile once the markers are filled.
 */
function parseBodyPattern(raw, input = 'health-check-body') {
    const unknown = (0,_health_marker_js__WEBPACK_IMPORTED_MODULE_1__/* .unknownPlaceholders */ .hX)(raw.trim());
    if (unknown.length > 0) {
        const known = Object.keys(_health_marker_js__WEBPACK_IMPORTED_MODULE_1__/* .RELEASE_MARKERS */ .GZ)
            .map((n) => `{${n}}`)
            .join(' and ');
        throw invalid(input, raw, `unknown placeholder ${unknown.map((n) => `{${n}}`).join(', ')}: only ${known} are replaced (write \\{ for a literal brace)`);
    }
    const value = parseRegex(raw, input);
    const filled = (0,_health_marker_js__WEBPACK_IMPORTED_MODULE_1__/* .fillMarkers */ .R9)(value, _health_marker_js__WEBPACK_IMPORTED_MODULE_1__/* .SAMPLE_MARKER_VALUES */ .RY);
    if ('pattern' in filled)
        parseRegex(filled.pattern, input);
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
    if (value === 'build' || value === 'git' || value === 'container')
        return value;
    throw invalid(input, raw, 'expected build, git or container');
}
/**
 * One `include-ignored` glob, relative to `source-dir`: `*`, `**`, `?` and character classes
 * (`package/glob.ts`). Absolute paths and `..` are refused: nothing outside `source-dir` may go
 * into the archive. Returned trimmed, as written.
 */
function parseReviewAppMethod(raw, input = 'review-app-method') {
    const value = raw.trim();
    if (value === 'auto' || value === 'api' || value === 'app-setup')
        return value;
    throw invalid(input, raw, 'expected auto (api when the pipeline has review apps enabled, else app-setup), api (the Review Apps API) or app-setup (an app setup coupled to the pipeline, no GitHub connection needed)');
}
function parseIncludeGlob(raw, input = 'include-ignored') {
    try {
        return (0,_package_glob_js__WEBPACK_IMPORTED_MODULE_2__/* .compileGlob */ .SO)(raw).text;
    }
    catch (err) {
        if (err instanceof _package_glob_js__WEBPACK_IMPORTED_MODULE_2__/* .GlobError */ .pZ)
            throw invalid(input, raw, err.reason);
        throw err;
    }
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


/***/ }),

/***/ 3128:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   QP: () => (/* binding */ stepState),
/* harmony export */   SO: () => (/* binding */ compileGlob),
/* harmony export */   Y1: () => (/* binding */ startState),
/* harmony export */   pZ: () => (/* binding */ GlobError)
/* harmony export */ });
/* unused harmony export globIncludes */
/**
 * The globs of `include-ignored`: paths relative to `source-dir`, `/` between directories.
 *
 * - `*`: any characters within one name; `?`: one character; `[abc]`, `[a-z]`, `[!a-z]` (or
 *   `[^a-z]`): one character of a class. Names starting with a dot match like any other
 *   (`public/assets/*` takes `.sprockets-manifest-….json`).
 * - `**` as a whole segment: any number of directories, none included (`**` inside a name is `*`).
 * - A glob that matches a directory takes everything under it, as `.gitignore` does: `dist`,
 *   `dist/` and `dist/**` mean the same. A leading `./` is dropped.
 *
 * Matching is by segment, so the walk (`include.ts`) can tell of each directory whether anything
 * under it can still match, and never descends where nothing can. What can never stay inside
 * `source-dir` (absolute paths, `..`) is refused here, when the settings are validated.
 */
/** Why a glob is refused; the inputs layer turns it into an input error naming the input. */
class GlobError extends Error {
    reason;
    constructor(reason) {
        super(reason);
        this.reason = reason;
        this.name = 'GlobError';
    }
}
const WILDCARD = /[*?[]/;
/** Checks and compiles one glob; throws `GlobError` saying what is wrong. */
function compileGlob(raw) {
    const text = raw.trim();
    if (text === '')
        throw new GlobError('expected a glob, e.g. dist/**');
    if (/[\p{C}\p{Zl}\p{Zp}]/u.test(text)) {
        throw new GlobError('expected a glob on one line, without control characters');
    }
    if (text.includes('\\')) {
        throw new GlobError('use / between directories (a backslash is neither a separator nor an escape here; for a literal *, ? or [ write [*], [?] or [[])');
    }
    if (text.startsWith('/') || /^[A-Za-z]:/.test(text) || text.startsWith('~')) {
        throw new GlobError('expected a glob relative to source-dir, not an absolute path, e.g. dist/**');
    }
    if (/[{}]/.test(text)) {
        throw new GlobError('braces are not supported (a comma separates globs): write each alternative as its own glob');
    }
    const parts = text.split('/').filter((part) => part !== '' && part !== '.');
    if (parts.includes('..')) {
        throw new GlobError('".." would leave source-dir: expected a glob of files under source-dir');
    }
    if (parts.length === 0) {
        throw new GlobError('names source-dir itself; expected files or directories under it (** takes every file)');
    }
    if (parts.includes('.git')) {
        throw new GlobError('.git and what is inside it are never packaged');
    }
    const segments = [];
    for (const part of parts) {
        // Consecutive `**` match what one does.
        if (part === '**') {
            if (segments.at(-1)?.kind !== 'globstar')
                segments.push({ kind: 'globstar' });
        }
        else if (!WILDCARD.test(part)) {
            segments.push({ kind: 'literal', name: part });
        }
        else {
            segments.push({ kind: 'pattern', re: segmentRegExp(part) });
        }
    }
    return { text, segments };
}
/** One name's pattern (no `/` in it) as an anchored regular expression. */
function segmentRegExp(part) {
    const chars = Array.from(part);
    let source = '';
    for (let i = 0; i < chars.length; i++) {
        const ch = chars[i];
        if (ch === '*') {
            source += '.*';
            while (chars[i + 1] === '*')
                i++;
        }
        else if (ch === '?') {
            source += '.';
        }
        else if (ch === '[') {
            const cls = readClass(chars, i);
            source += cls.source;
            i = cls.end;
        }
        else {
            source += escapeRegExp(ch);
        }
    }
    try {
        return new RegExp(`^${source}$`, 'su');
    }
    catch {
        throw new GlobError(`invalid character class in ${JSON.stringify(part)}`);
    }
}
/**
 * The class starting at `chars[start]` (`[`): its regular expression and the index of its `]`.
 * A `]` right after `[` or `[!` is a member, as in POSIX globs.
 */
function readClass(chars, start) {
    let i = start + 1;
    let negated = false;
    if (chars[i] === '!' || chars[i] === '^') {
        negated = true;
        i++;
    }
    let members = '';
    let first = true;
    for (; i < chars.length; i++) {
        const ch = chars[i];
        if (ch === ']' && !first) {
            return { source: `[${negated ? '^' : ''}${members}]`, end: i };
        }
        if (ch === '[' && chars[i + 1] === ':') {
            throw new GlobError('POSIX character classes such as [:alpha:] are not supported: use [a-zA-Z]');
        }
        members += ch === '\\' || ch === ']' || ch === '[' || ch === '^' ? `\\${ch}` : ch;
        first = false;
    }
    throw new GlobError('a [ starts a character class that is never closed by ]: for a literal [ write [[]');
}
function escapeRegExp(ch) {
    return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}
/** The state before any path segment: the root directory (never matched as a whole). */
function startState(glob) {
    return closure(glob, [0]);
}
/**
 * The state after one more path segment `name` (a file or directory name). An empty array: no
 * path through here can match; `'all'`: this path matched the whole glob.
 */
function stepState(glob, state, name) {
    if (state === 'all')
        return 'all';
    const next = [];
    for (const i of state) {
        const segment = glob.segments[i];
        if (segment === undefined)
            continue;
        if (segment.kind === 'globstar')
            next.push(i);
        else if (segment.kind === 'literal' ? segment.name === name : segment.re.test(name))
            next.push(i + 1);
    }
    const reached = closure(glob, next);
    return reached.includes(glob.segments.length) ? 'all' : reached;
}
/** Adds the positions after each reachable `**` (it may match no directory at all). */
function closure(glob, positions) {
    const out = new Set();
    for (let i of positions) {
        out.add(i);
        while (glob.segments[i]?.kind === 'globstar')
            out.add(++i);
    }
    return [...out].sort((a, b) => a - b);
}
/** Whether the glob takes `rel` (posix, relative to source-dir): it or a directory above it matched. */
function globIncludes(glob, rel) {
    let state = startState(glob);
    for (const name of rel.split('/')) {
        state = stepState(glob, state, name);
        if (state === 'all')
            return true;
        if (state.length === 0)
            return false;
    }
    return false;
}


/***/ }),

/***/ 2921:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C7: () => (/* binding */ parseReviewAppNameTemplate),
/* harmony export */   Ek: () => (/* binding */ matchesReviewAppName),
/* harmony export */   eD: () => (/* binding */ REVIEW_APP_NAME_INPUT),
/* harmony export */   fw: () => (/* binding */ reviewAppName)
/* harmony export */ });
/* unused harmony exports branchForName, shortenName */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _inputs_values_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8463);
/**
 * `review-app-name`: the name of an `app-setup` review app. The template is checked with the
 * other inputs (`parseReviewAppNameTemplate`); the name is made once the pipeline's name and the
 * PR are known (`reviewAppName`), and the sweep recognises names it made (`matchesReviewAppName`).
 *
 * Heroku's app names: `^[a-z][a-z0-9-]{1,28}[a-z0-9]$` (the Platform API schema's `app` `name`
 * pattern), so at most 30 characters.
 */


const REVIEW_APP_NAME_INPUT = 'review-app-name';
const MAX_APP_NAME = 30;
/** Characters of the hash that ends a shortened name (after a dash). */
const HASH_CHARS = 6;
const PLACEHOLDERS = ['pipeline', 'pr', 'branch'];
/** An input error naming `review-app-name` (with the config file's line when it came from there). */
function fail(problem) {
    return new _inputs_values_js__WEBPACK_IMPORTED_MODULE_1__/* .InvalidValue */ .h6(REVIEW_APP_NAME_INPUT, problem);
}
/**
 * Checks the template: only `{pipeline}`, `{pr}` and `{branch}` as placeholders, `{pr}` among
 * them (every pull request needs its own app), and otherwise only what an app name may hold.
 * Returns it in lower case.
 */
function parseReviewAppNameTemplate(raw) {
    const template = raw.trim().toLowerCase();
    const shown = (0,_inputs_values_js__WEBPACK_IMPORTED_MODULE_1__/* .showValue */ .vp)(raw.trim());
    for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
        if (!PLACEHOLDERS.includes(match[1])) {
            throw fail(`unknown placeholder {${match[1]}} in ${shown}; the placeholders are {pipeline}, {pr} and {branch}`);
        }
    }
    const literal = template.replace(/\{(pipeline|pr|branch)\}/g, '');
    if (/[{}]/.test(literal))
        throw fail(`unbalanced braces in ${shown}`);
    if (/[^a-z0-9-]/.test(literal)) {
        throw fail(`${shown} holds characters an app name cannot have; besides the placeholders use only lowercase letters, digits and dashes`);
    }
    if (!template.includes('{pr}')) {
        throw fail(`${shown} has no {pr}: every pull request needs an app name of its own`);
    }
    // A name that starts with {pr} (digits), a digit or a dash is never valid: known now, not
    // only once the pipeline has been read for the first pull request.
    if (/^(\{pr\}|[0-9-])/.test(template)) {
        throw fail(`${shown} starts with ${template.startsWith('{pr}') ? 'the PR number' : `"${template[0]}"`}, but a Heroku app name starts with a lowercase letter`);
    }
    return template;
}
/** A branch name as part of an app name: lower case, other characters as dashes, no runs of them. */
function branchForName(branch) {
    return branch
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '-')
        .replace(/-{2,}/g, '-')
        .replace(/^-+|-+$/g, '');
}
function substitute(template, parts) {
    return template.replace(/\{(pipeline|pr|branch)\}/g, (_, key) => parts[key]);
}
/** `name` cut to 30 characters with a dash and a short hash of the whole name at the end. */
function shortenName(full) {
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(full).digest('hex').slice(0, HASH_CHARS);
    const head = full.slice(0, MAX_APP_NAME - HASH_CHARS - 1).replace(/-+$/, '');
    return `${head}-${hash}`;
}
/**
 * The app name for a pull request: the template with its placeholders replaced, in lower case;
 * longer than 30 characters → shortened (`shortenedFrom` says from what). A result that is not a
 * valid Heroku app name is an input error naming the input.
 */
function reviewAppName(template, parts) {
    const full = substitute(template, {
        pipeline: parts.pipeline.toLowerCase(),
        pr: String(parts.pr),
        branch: branchForName(parts.branch)
    });
    const name = full.length > MAX_APP_NAME ? shortenName(full) : full;
    if (!_inputs_values_js__WEBPACK_IMPORTED_MODULE_1__/* .APP_NAME */ .C3.test(name)) {
        throw fail(`the template ${(0,_inputs_values_js__WEBPACK_IMPORTED_MODULE_1__/* .showValue */ .vp)(template)} gives the app name ${(0,_inputs_values_js__WEBPACK_IMPORTED_MODULE_1__/* .showValue */ .vp)(name)}, which is not a valid Heroku app name (lowercase letters, digits and dashes, starting with a letter, not ending with a dash, 3 to 30 characters)`);
    }
    return name === full ? { name } : { name, shortenedFrom: full };
}
function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
/**
 * Whether `name` is a name the template makes for pull request `pr` of `pipeline`, whatever the
 * branch was (the sweep does not know it). A shortened name counts when its start is the start
 * of such a name and, without `{branch}`, when it is exactly the name made.
 */
function matchesReviewAppName(template, pipeline, pr, name) {
    if (!template.includes('{branch}')) {
        return reviewAppNameOrUndefined(template, { pipeline, pr, branch: '' }) === name;
    }
    const fixed = { pipeline: pipeline.toLowerCase(), pr: String(pr) };
    const pieces = template.split(/(\{(?:pipeline|pr|branch)\})/);
    const source = pieces
        .map((piece) => {
        if (piece === '{branch}')
            return '[a-z0-9-]*';
        if (piece === '{pipeline}')
            return escapeRegExp(fixed.pipeline);
        if (piece === '{pr}')
            return fixed.pr;
        return escapeRegExp(piece);
    })
        .join('');
    if (new RegExp(`^${source}$`).test(name) && name.length <= MAX_APP_NAME)
        return true;
    const short = new RegExp(`^([a-z0-9-]{1,${MAX_APP_NAME - HASH_CHARS - 1}})-[0-9a-f]{${HASH_CHARS}}$`);
    const head = short.exec(name)?.[1];
    if (!head)
        return false;
    // The fixed start of the template (up to the branch) must begin the shortened name.
    const before = substitute(template.slice(0, template.indexOf('{branch}')), {
        ...fixed,
        branch: ''
    });
    const n = Math.min(before.length, head.length);
    return n > 0 && before.slice(0, n) === head.slice(0, n);
}
function reviewAppNameOrUndefined(template, parts) {
    try {
        return reviewAppName(template, parts).name;
    }
    catch {
        return undefined;
    }
}


/***/ }),

/***/ 4713:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   d: () => (/* binding */ herokuClientFor)
/* harmony export */ });
/* harmony import */ var _heroku_client_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5929);
/* harmony import */ var _version_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(311);
/**
 * The one place a Heroku client is made from the settings: the run's own (start.ts) and the
 * short-budget reader of what is live (`live.ts`). Loaded by the start: nothing heavy here.
 */


/** A client for the settings' key and API URL; `options` tune it (timeouts, retries, log). */
function herokuClientFor(settings, options = {}) {
    return new _heroku_client_js__WEBPACK_IMPORTED_MODULE_0__/* .HerokuClient */ .K({
        apiKey: settings.herokuApiKey,
        baseUrl: settings.herokuApiUrl,
        userAgent: _version_js__WEBPACK_IMPORTED_MODULE_1__/* .USER_AGENT */ ._,
        ...options
    });
}


/***/ }),

/***/ 4977:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// UNUSED EXPORTS: TUNING_ENV, tuningFromEnv

// EXTERNAL MODULE: ./src/inputs/index.ts + 7 modules
var inputs = __webpack_require__(4811);
// EXTERNAL MODULE: ./src/heroku/backoff.ts
var backoff = __webpack_require__(1252);
// EXTERNAL MODULE: ./src/heroku/api.ts + 2 modules
var api = __webpack_require__(5549);
// EXTERNAL MODULE: ./src/heroku/wait.ts
var wait = __webpack_require__(2799);
// EXTERNAL MODULE: ./src/report/post-fast-path.ts
var post_fast_path = __webpack_require__(2237);
// EXTERNAL MODULE: ./src/run/heroku.ts
var run_heroku = __webpack_require__(4713);
;// CONCATENATED MODULE: ./src/run/started.ts
/** Log lines from before @actions/core is loaded, written once the session attaches it. */
class DeferredLog {
    sink;
    held = [];
    debug(message) {
        if (this.sink)
            this.sink.debug(message);
        else
            this.held.push({ level: 'debug', message });
    }
    warning(message) {
        if (this.sink)
            this.sink.warning(message);
        else
            this.held.push({ level: 'warning', message });
    }
    attach(sink) {
        this.sink = sink;
        for (const { level, message } of this.held.splice(0))
            sink[level](message);
    }
}

;// CONCATENATED MODULE: ./src/run/start.ts
/**
 * The start of a run, kept small: it validates every input and sends the first Heroku requests
 * before the rest of the action (reporting, commands, @actions/core and what they load) is
 * compiled, so they are on their way while main-step.ts loads. Nothing here prints: secrets
 * are collected and masked by the main step before its first line.
 */







/** Commands whose first requests are the app and its pipeline coupling (`resolveAppInput`). */
const RESOLVES_APP_FIRST = new Set(['deploy', 'promote', 'rollback']);
/** How long the start waits for its first requests to connect before loading the session. */
const CONNECT_WAIT_MS = 100;
async function run() {
    if ((0,post_fast_path/* isPostStepEnv */.kd)(process.env)) {
        const { runPostStep } = await Promise.all(/* import() */[__webpack_require__.e(264), __webpack_require__.e(172), __webpack_require__.e(379)]).then(__webpack_require__.bind(__webpack_require__, 3379));
        await runPostStep();
        return;
    }
    (0,post_fast_path/* markMainStepEarly */.y3)(process.env);
    const start = { secrets: [], log: new DeferredLog() };
    try {
        const ctx = (0,inputs/* getRunContext */.DI)();
        const settings = (0,inputs/* getSettings */.mt)(process.env, ctx, (secret) => start.secrets.push(secret));
        const client = (0,run_heroku/* herokuClientFor */.d)(settings, {
            log: (msg) => start.log.debug(msg),
            warn: (msg) => start.log.warning(msg),
            ...tuningFromEnv(process.env, (msg) => start.log.warning(msg))
        });
        const heroku = new api/* HerokuApi */.z(client);
        if (settings.app && RESOLVES_APP_FIRST.has(settings.command))
            heroku.prefetchApp(settings.app);
        start.ready = { settings, ctx, client, heroku };
    }
    catch (err) {
        start.inputError = err;
    }
    // Compiling the main step holds the event loop: let the first requests connect (and so be
    // sent) before, but never wait long for a slow network.
    if (start.ready)
        await (0,wait/* settledWithin */.X$)(start.ready.client.connected(), CONNECT_WAIT_MS);
    const { runMainStep } = await Promise.all(/* import() */[__webpack_require__.e(264), __webpack_require__.e(172), __webpack_require__.e(542)]).then(__webpack_require__.bind(__webpack_require__, 542));
    await runMainStep(start);
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
        const defaults = (0,backoff/* resolveRetryPolicy */.NO)(undefined);
        out.retry = {
            baseDelayMs: Math.round(defaults.baseDelayMs * scale),
            rateLimitBaseDelayMs: Math.round(defaults.rateLimitBaseDelayMs * scale),
            settleMs: Math.round(defaults.settleMs * scale)
        };
    }
    return out;
}


/***/ }),

/***/ 311:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _: () => (/* binding */ USER_AGENT)
/* harmony export */ });
/* unused harmony export ACTION_VERSION */
/** The action's version and the one User-Agent every request it makes carries. */
/** Kept equal to package.json's version (a test checks it). */
const ACTION_VERSION = '0.1.0';
/** Platform API calls, uploads, log streams and health probes all send this. */
const USER_AGENT = `heroku-pipeline-action/${ACTION_VERSION}`;


/***/ })

};
