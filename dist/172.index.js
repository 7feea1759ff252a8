export const id = 172;
export const ids = [172];
export const modules = {

/***/ 6584:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _j: () => (/* binding */ createGitHubApi),
/* harmony export */   m9: () => (/* binding */ githubErrorStatus),
/* harmony export */   p$: () => (/* binding */ githubNoAnswer)
/* harmony export */ });
/** GitHub's compare answers with at most 250 commits without pagination; we keep that cap. */
const compareCap = 250;
/** A commit rarely belongs to more PRs worth commenting on than this. */
const maxPullsPerCommit = 5;
/** Default limit for one GitHub request: reporting must never hold up (or hang) a deploy. */
const defaultGitHubTimeoutMs = 20000;
function createGitHubApi(token, target, opts = {}) {
    const timeoutMs = opts.timeoutMs ?? defaultGitHubTimeoutMs;
    // Octokit (and the fetch machinery under it) loads on the first GitHub call, not at start: the
    // first Heroku request does not wait for it.
    let loading;
    const client = () => (loading ??= __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 2413)).then(({ getOctokit }) => {
        const octokit = getOctokit(token, { baseUrl: target.apiUrl.replace(/\/+$/, '') });
        // Every request (pages and GraphQL included) gets a deadline; the default fetch (with the
        // runner's proxy settings) is kept.
        octokit.hook.before('request', (options) => {
            options.request = { ...options.request, signal: AbortSignal.timeout(timeoutMs) };
        });
        return octokit;
    }));
    const repo = { owner: target.owner, repo: target.repo };
    return {
        async listIssueComments(prNumber) {
            const octokit = await client();
            const comments = await octokit.paginate(octokit.rest.issues.listComments, {
                ...repo,
                issue_number: prNumber,
                per_page: 100
            });
            return comments.map((c) => ({ id: c.id, body: c.body ?? '', author: c.user?.login }));
        },
        async createComment(prNumber, body) {
            const octokit = await client();
            const res = await octokit.rest.issues.createComment({ ...repo, issue_number: prNumber, body });
            return res.data.id;
        },
        async updateComment(commentId, body) {
            const octokit = await client();
            await octokit.rest.issues.updateComment({ ...repo, comment_id: commentId, body });
        },
        async getComment(commentId) {
            const octokit = await client();
            const res = await octokit.rest.issues.getComment({ ...repo, comment_id: commentId });
            return { id: res.data.id, body: res.data.body ?? '', author: res.data.user?.login };
        },
        async viewerLogin() {
            const octokit = await client();
            const res = await octokit.graphql('query { viewer { login } }');
            return res.viewer.login;
        },
        async createDeployment(params) {
            const octokit = await client();
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
            const octokit = await client();
            await octokit.rest.repos.createDeploymentStatus({
                ...repo,
                deployment_id: deploymentId,
                state: params.state,
                environment_url: params.environmentUrl,
                log_url: params.logUrl,
                description: params.description
            });
        },
        async listDeployments(environment, pages = 1) {
            const octokit = await client();
            const listed = [];
            let read = 0;
            for await (const res of octokit.paginate.iterator(octokit.rest.repos.listDeployments, {
                ...repo,
                environment,
                per_page: 100
            })) {
                listed.push(...res.data.map((d) => ({ id: d.id, payload: d.payload })));
                if (++read >= pages)
                    break;
            }
            return listed;
        },
        async pullsForCommit(sha) {
            const octokit = await client();
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
            const octokit = await client();
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
            const octokit = await client();
            const res = await octokit.rest.pulls.get({ ...repo, pull_number: prNumber });
            return {
                state: res.data.state === 'open' ? 'open' : 'closed',
                merged: res.data.merged,
                headSha: res.data.head.sha
            };
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


/***/ }),

/***/ 7520:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   K8: () => (/* binding */ newRunTempDirPath),
/* harmony export */   dV: () => (/* binding */ createRunTempDir),
/* harmony export */   jg: () => (/* binding */ removeRunTempDir)
/* harmony export */ });
/* unused harmony export TEMP_DIR_PREFIX */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/**
 * The run's own temporary directory under RUNNER_TEMP (the tarball goes there). Its path is
 * saved for the post step, which removes it when a cancel or crash stopped the main step first.
 */



const TEMP_DIR_PREFIX = 'heroku-pipeline-action-';
/**
 * A new, unpredictable path for the run's temporary directory, not created yet: the caller
 * records it for the post step first, so a cancel between the two cannot leave it behind
 * (with mkdtemp the name was only known once the directory existed).
 */
function newRunTempDirPath(runnerTemp) {
    return node_path__WEBPACK_IMPORTED_MODULE_2___default().join(runnerTemp, `${TEMP_DIR_PREFIX}${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomUUID)()}`);
}
/** Creates the directory `newRunTempDirPath` named, owner-only; fails if it exists already. */
async function createRunTempDir(runnerTemp, dir) {
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdir)(runnerTemp, { recursive: true });
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdir)(dir, { mode: 0o700 });
}
/**
 * Removes a directory `newRunTempDirPath` named. The path may come from saved state, so anything
 * that is not one of ours directly under `runnerTemp` is left alone. Returns whether it removed.
 */
async function removeRunTempDir(dir, runnerTemp) {
    const resolved = node_path__WEBPACK_IMPORTED_MODULE_2___default().resolve(dir);
    const ours = node_path__WEBPACK_IMPORTED_MODULE_2___default().dirname(resolved) === node_path__WEBPACK_IMPORTED_MODULE_2___default().resolve(runnerTemp) &&
        node_path__WEBPACK_IMPORTED_MODULE_2___default().basename(resolved).startsWith(TEMP_DIR_PREFIX);
    if (!ours)
        return false;
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rm)(resolved, { recursive: true, force: true });
    return true;
}


/***/ }),

/***/ 4231:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Gy: () => (/* binding */ postComment),
/* harmony export */   Ox: () => (/* binding */ resolveViewerLogin),
/* harmony export */   ui: () => (/* binding */ commentPurpose),
/* harmony export */   wQ: () => (/* binding */ renderComment)
/* harmony export */ });
/* unused harmony exports commentLimit, commentMarker, sameLogin, findOwnComment, upsertComment, stampMarker, writtenByNewerRun */
/* harmony import */ var _github_client_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6584);
/* harmony import */ var _escape_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6412);
/* harmony import */ var _format_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2011);
/* harmony import */ var _verdict_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3138);




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
    const { status } = (0,_verdict_js__WEBPACK_IMPORTED_MODULE_2__/* .verdict */ .WJ)(outcome);
    const label = _format_js__WEBPACK_IMPORTED_MODULE_1__/* .commandLabels */ .nX[outcome.command];
    const apps = (0,_verdict_js__WEBPACK_IMPORTED_MODULE_2__/* .appsOf */ .OC)(outcome);
    const single = apps.length === 1 ? apps[0] : undefined;
    const running = (0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .currentPhase */ .hk)(outcome);
    const title = phase === 'in-progress'
        ? `⏳ ${label} in progress${running ? `: ${_format_js__WEBPACK_IMPORTED_MODULE_1__/* .phaseLabels */ .ve[running]}` : ''}`
        : `${_format_js__WEBPACK_IMPORTED_MODULE_1__/* .statusIcons */ .pb[status]} ${label}: ${_format_js__WEBPACK_IMPORTED_MODULE_1__/* .statusLabels */ .Uj[status]}`;
    const rows = [];
    rows.push(['Status', phase === 'in-progress' ? 'in progress' : (0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)(_format_js__WEBPACK_IMPORTED_MODULE_1__/* .statusLabels */ .Uj[status])]);
    if (outcome.pipeline)
        rows.push(['Pipeline', (0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)(outcome.pipeline.name)]);
    if (outcome.reviewApp)
        rows.push(['PR branch', `<code>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(outcome.reviewApp.branch, 200))}</code>`]);
    if (single) {
        rows.push(['App', (0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .appHtml */ .HN)(single)]);
        if (single.release)
            rows.push(['Release', (0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .versionText */ .KA)(single.release)]);
    }
    const commit = apps.find((a) => a.release?.commit)?.release?.commit ?? ctx.pullRequest?.headSha ?? ctx.sha;
    rows.push(['Commit', (0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .commitHtml */ .$r)(ctx, commit)]);
    if (single?.health)
        rows.push(['Health', (0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .healthHtml */ .k6)(single.health)]);
    if (single?.rolledBack)
        rows.push(['Rolled back', (0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .rolledBackHtml */ .d2)(single)]);
    if (phase === 'final' && (status === 'failed' || status === 'cancelled')) {
        const cause = (0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .causeText */ .xv)(outcome);
        if (cause)
            rows.push(['Cause', (0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(cause, 500))]);
        if (apps.length > 0) {
            const live = apps
                .slice(0, maxAppsInComment)
                .map((a) => `${(0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)(a.app)}: ${(0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .liveNowHtml */ .Wg)(a)}`);
            rows.push(['Live now', live.join('<br>')]);
        }
    }
    const run = (0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .runUrl */ .Vp)(ctx);
    if (run)
        rows.push(['Run', (0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .link */ .nf)(`#${ctx.runId}`, run)]);
    const table = `<table>${rows.map(([k, v]) => `<tr><td><strong>${k}</strong></td><td>${v}</td></tr>`).join('')}</table>`;
    const parts = [`<h3>${title}</h3>`, table];
    if (!single && apps.length > 1)
        parts.push(appsTable(outcome));
    if (outcome.waves)
        parts.push((0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .wavesTableHtml */ .Yg)(outcome));
    if (outcome.dryRun)
        parts.push('<p><em>Dry run: nothing was changed.</em></p>');
    const body = `${parts.join('\n\n')}\n\n${marker}\n`;
    if (body.length < commentLimit)
        return body;
    // Cannot happen with the caps above; keep the comment valid if it ever does.
    return `<h3>${title}</h3>\n\n${run ? (0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .link */ .nf)('See the workflow run', run) : ''}\n\n${marker}\n`;
}
function appsTable(outcome) {
    const apps = (0,_verdict_js__WEBPACK_IMPORTED_MODULE_2__/* .appsOf */ .OC)(outcome);
    const header = '<tr><th>App</th><th>Release</th><th>Health</th><th>Rolled back</th></tr>';
    const rows = apps
        .slice(0, maxAppsInComment)
        .map((a) => `<tr><td>${(0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .appHtml */ .HN)(a)}</td><td>${(0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .versionText */ .KA)(a.release)}</td><td>${(0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .healthHtml */ .k6)(a.health)}</td><td>${(0,_format_js__WEBPACK_IMPORTED_MODULE_1__/* .rolledBackHtml */ .d2)(a)}</td></tr>`);
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
async function upsertComment(api, prNumber, purpose, body, login, stamp) {
    const marker = commentMarker(purpose);
    const fullBody = body.includes(marker) ? body : `${body}\n\n${marker}\n`;
    const viewer = login ?? (await resolveViewerLogin(api));
    const existing = findOwnComment(await api.listIssueComments(prNumber), purpose, viewer);
    if (existing) {
        if (stamp && writtenByNewerRun(existing.body, stamp)) {
            return { action: 'skipped', commentId: existing.id };
        }
        if (normalizeBody(existing.body) === normalizeBody(fullBody)) {
            return { action: 'unchanged', commentId: existing.id };
        }
        await api.updateComment(existing.id, fullBody);
        return { action: 'updated', commentId: existing.id };
    }
    return { action: 'created', commentId: await api.createComment(prNumber, fullBody) };
}
const STAMP = /<!-- heroku-pipeline-action-run:(\d+):([^ ]*) -->/;
function stampMarker(stamp) {
    return `<!-- heroku-pipeline-action-run:${stamp.startedAt}:${stamp.runId.replace(/[^0-9A-Za-z._-]/g, '_')} -->`;
}
/** Whether `body` was written by a run that started after `ours` (ties: the higher run id). */
function writtenByNewerRun(body, ours) {
    const m = STAMP.exec(body);
    if (!m)
        return false;
    const startedAt = Number(m[1]);
    if (startedAt !== ours.startedAt)
        return startedAt > ours.startedAt;
    const [theirs, mine] = [Number(m[2]), Number(ours.runId)];
    return Number.isFinite(theirs) && Number.isFinite(mine) && theirs > mine;
}
/**
 * Edit the comment we know; when it is unknown or gone (404), find ours by marker and author
 * or create it. A comment a newer run wrote is left as it is (`skipped`). Returns its id.
 */
async function postComment(api, pr, purpose, body, login, knownId, stamp) {
    const stamped = `${body}\n${stampMarker(stamp)}\n`;
    if (knownId !== undefined) {
        try {
            const current = await api.getComment(knownId);
            if (writtenByNewerRun(current.body, stamp))
                return { id: knownId, skipped: true };
            await api.updateComment(knownId, stamped);
            return { id: knownId, skipped: false };
        }
        catch (err) {
            if ((0,_github_client_js__WEBPACK_IMPORTED_MODULE_3__/* .githubErrorStatus */ .m9)(err) !== 404)
                throw err;
        }
    }
    const done = await upsertComment(api, pr, purpose, stamped, await login(), stamp);
    return { id: done.commentId, skipped: done.action === 'skipped' };
}


/***/ }),

/***/ 5536:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $: () => (/* binding */ payloadField),
/* harmony export */   MK: () => (/* binding */ madeByRun),
/* harmony export */   oU: () => (/* binding */ deploymentRunStamp)
/* harmony export */ });
/**
 * What the action writes into a GitHub Deployment's payload and reads back from it: the app, the
 * PR (review apps) and the run that made it. Never a secret.
 */
/** A field of a deployment's payload, which GitHub lists as an object (or a JSON string). */
function payloadField(payload, field) {
    let value = payload;
    if (typeof value === 'string') {
        try {
            value = JSON.parse(value);
        }
        catch {
            return undefined;
        }
    }
    return value !== null && typeof value === 'object'
        ? value[field]
        : undefined;
}
/**
 * What a deployment's payload says of the run that made it: the run id and the run's start
 * (a re-run keeps the id), so the post step can find one whose creation answer it never saw.
 */
function deploymentRunStamp(runId, startedAt) {
    return { run: runId, started: startedAt };
}
/** Whether a listed deployment's payload names `app` and the run stamped `stamp`. */
function madeByRun(payload, app, stamp) {
    return (payloadField(payload, 'app') === app &&
        payloadField(payload, 'run') === stamp.run &&
        Number(payloadField(payload, 'started')) === stamp.started);
}


/***/ }),

/***/ 6412:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   TN: () => (/* binding */ oneLine),
/* harmony export */   ZD: () => (/* binding */ escapeHtml),
/* harmony export */   kU: () => (/* binding */ stripControl),
/* harmony export */   nf: () => (/* binding */ link)
/* harmony export */ });
/* unused harmony export safeUrl */
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
function link(text, url) {
    const href = safeUrl(url);
    const label = escapeHtml(text);
    return href ? `<a href="${escapeHtml(href)}">${label}</a>` : label;
}


/***/ }),

/***/ 2011:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $r: () => (/* binding */ commitHtml),
/* harmony export */   HH: () => (/* binding */ isSha),
/* harmony export */   HN: () => (/* binding */ appHtml),
/* harmony export */   KA: () => (/* binding */ versionText),
/* harmony export */   M3: () => (/* binding */ gateDetails),
/* harmony export */   S5: () => (/* binding */ durationText),
/* harmony export */   Uj: () => (/* binding */ statusLabels),
/* harmony export */   Vp: () => (/* binding */ runUrl),
/* harmony export */   Wg: () => (/* binding */ liveNowHtml),
/* harmony export */   Yg: () => (/* binding */ wavesTableHtml),
/* harmony export */   a3: () => (/* binding */ formatDuration),
/* harmony export */   d2: () => (/* binding */ rolledBackHtml),
/* harmony export */   hk: () => (/* binding */ currentPhase),
/* harmony export */   k6: () => (/* binding */ healthHtml),
/* harmony export */   nX: () => (/* binding */ commandLabels),
/* harmony export */   pb: () => (/* binding */ statusIcons),
/* harmony export */   ve: () => (/* binding */ phaseLabels),
/* harmony export */   xv: () => (/* binding */ causeText)
/* harmony export */ });
/* unused harmony exports percentile, repoUrl */
/* harmony import */ var _escape_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6412);
/* harmony import */ var _verdict_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3138);


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
    'preboot-wait': 'Preboot wait',
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
const waveStatusLabels = {
    healthy: '✅ healthy',
    failed: '❌ failed',
    'rolled-back': '↩️ rolled back',
    'not-started': '⏸️ not started'
};
/**
 * The waves of a promotion in waves, one row each: promoted, healthy, baked, rolled back,
 * status (summary and PR comment alike).
 */
function wavesTableHtml(outcome) {
    const waves = outcome.waves ?? [];
    const byName = new Map(outcome.targets.map((t) => [t.app, t]));
    const header = '<tr><th>Wave</th><th>Apps</th><th>Promoted</th><th>Healthy</th><th>Baked</th><th>Rolled back</th><th>Status</th></tr>';
    const rows = waves.map((w, i) => {
        const apps = w.apps.map((name) => byName.get(name));
        const started = w.status !== 'not-started';
        const healthy = apps.filter((a) => a?.health?.passed).length;
        const rolledBack = apps.filter((a) => a?.rolledBack).map((a) => a.app);
        const baked = !w.bake
            ? '—'
            : w.bake.passed
                ? `✅ ${w.bake.seconds} s · ${w.bake.probes.length} probes${latencyText(w.bake.probes)}`
                : `❌ ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(w.bake.reason ?? 'failed', 200))}`;
        const cells = [
            String(i + 1),
            (0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)(w.apps.join(', ')),
            // A container wave has no promotion id: its apps' new releases say it was promoted.
            started && (w.promotionId || apps.some((a) => a?.release))
                ? w.promotionId
                    ? `<code>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)(w.promotionId.slice(0, 8))}</code>`
                    : '✅'
                : '—',
            started ? `${healthy}/${w.apps.length}` : '—',
            baked,
            rolledBack.length > 0 ? (0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)(rolledBack.join(', ')) : '—',
            w.startedAt !== undefined && w.endedAt === undefined
                ? outcome.endedAt === undefined
                    ? '⏳ in progress'
                    : '⏹️ did not finish'
                : waveStatusLabels[w.status]
        ];
        return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    });
    return `<table>${header}${rows.join('')}</table>`;
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
/**
 * HTML: `passed · 3 probes · p50 … · p95 …`, or why it failed / was not checked; how the gate
 * knew the release (preboot wait, release marker) and when it could not.
 */
function healthHtml(health) {
    if (!health)
        return '—';
    const how = gateHowText(health);
    if (!health.checked) {
        if (!health.passed && health.reason)
            return `❌ failed · ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(health.reason, 200))}`;
        if (health.kind === 'dynos')
            return `✅ dynos up and staying up (no health-check URL)${how}`;
        if (health.kind === 'none')
            return 'no dynos scaled up: nothing to check';
        return health.reason
            ? `not checked: ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(health.reason, 200))}`
            : 'no health check';
    }
    const count = `${health.probes.length} probe${health.probes.length === 1 ? '' : 's'}`;
    const verdict = !health.passed
        ? '❌ failed'
        : health.verified === false
            ? health.kind === 'none'
                ? '⚠️ passed, not verified: no dyno runs the release'
                : '⚠️ passed, not verified: may be the previous release'
            : '✅ passed';
    const reason = !health.passed && health.reason ? ` · ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(health.reason, 200))}` : '';
    const expected = health.expectedBody
        ? ` · body /<code>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(health.expectedBody, 160))}</code>/`
        : '';
    return `${verdict} · ${count}${latencyText(health.probes)}${expected}${how}${reason}`;
}
/** Plain text: ` · preboot, waited 200 s` / ` · release marker` / ` · worker dynos`. */
function gateHowText(health) {
    const parts = [];
    if (health.kind === 'dynos')
        parts.push('no web dynos: every dyno checked');
    if (health.expectedBody !== undefined && health.expectedBody !== '' && health.checked) {
        if (health.preboot)
            parts.push('preboot');
    }
    else if (health.preboot && health.kind === 'web' && health.checked) {
        parts.push(health.prebootWaitMs !== undefined
            ? `preboot, waited ${formatDuration(health.prebootWaitMs)}`
            : 'preboot, no wait');
    }
    if (health.replacedBy !== undefined)
        parts.push(`replaced by v${health.replacedBy} afterwards`);
    return parts.map((p) => ` · ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)(p)}`).join('');
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
        return `<code>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(commit, 60))}</code>`;
    return `<code>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .link */ .nf)(commit.slice(0, 7), commitUrl(ctx, commit))}</code>`;
}
/** HTML: the app's name linked to its web URL. */
function appHtml(app) {
    return (0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .link */ .nf)(app.app, app.webUrl);
}
/** HTML: whether and how the app was rolled back, naming the release it went back *to*. */
function rolledBackHtml(app) {
    if (!app.rolledBack)
        return 'no';
    const target = app.rolledBackTo ?? app.before;
    const to = target ? ` to ${versionText(target)}` : '';
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
    const url = app.health?.url ? ` at <code>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(app.health.url, 300))}</code>` : '';
    const header = '<tr><th>#</th><th>Status</th><th>Latency</th><th>Result</th><th>Body</th></tr>';
    const first = probes.length - shown.length;
    const rows = shown.map((p, i) => {
        const cells = [
            String(first + i + 1),
            p.status !== undefined ? String(p.status) : '—',
            formatDuration(p.latencyMs),
            p.ok ? 'ok' : (0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(p.error ?? 'failed', 200)),
            p.bodyExcerpt ? `<code>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(p.bodyExcerpt, 300))}</code>` : ''
        ];
        return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    });
    const label = `Health probes of ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeHtml */ .ZD)(app.app)}${url} (last ${shown.length} of ${probes.length})`;
    return `<details><summary>${label}</summary><table>${header}${rows.join('')}</table></details>`;
}
/** The cause in one sentence: the recorded error, else the first app that failed and why. */
function causeText(outcome) {
    if (outcome.error)
        return (0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(outcome.error, 1000);
    const failed = (0,_verdict_js__WEBPACK_IMPORTED_MODULE_1__/* .appsOf */ .OC)(outcome).find((a) => (0,_verdict_js__WEBPACK_IMPORTED_MODULE_1__/* .appFailure */ .U_)(a, outcome.command) !== undefined);
    if (!failed)
        return undefined;
    if (failed.error)
        return (0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(`${failed.app}: ${failed.error}`, 1000);
    if (failed.health?.passed === false) {
        const version = failed.release ? ` ${versionText(failed.release)}` : '';
        const reason = failed.health.reason ? `: ${failed.health.reason}` : '.';
        return (0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(`${failed.app}${version} failed its health check${reason}`, 1000);
    }
    return (0,_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(`${failed.app}: ${(0,_verdict_js__WEBPACK_IMPORTED_MODULE_1__/* .appFailure */ .U_)(failed, outcome.command) ?? 'failed'}.`, 1000);
}


/***/ }),

/***/ 3597:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EK: () => (/* binding */ permission),
/* harmony export */   Hy: () => (/* binding */ truncateDescription),
/* harmony export */   IS: () => (/* binding */ githubWarning)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3916);
/* harmony import */ var _github_client_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6584);
/* harmony import */ var _escape_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6412);
/**
 * What a GitHub failure tells the user: what failed, what GitHub answered and the permission the
 * workflow must grant. Never the cause of a failed deploy.
 */



const permission = {
    comment: 'pull-requests: write',
    pullsRead: 'pull-requests: read',
    deployments: 'deployments: write',
    contents: 'contents: read'
};
/** GitHub caps a deployment status description at 140 characters. */
const maxDescription = 140;
/** A warning that says what failed, what GitHub answered and which permission it needs. */
function githubWarning(what, needed, err) {
    const status = (0,_github_client_js__WEBPACK_IMPORTED_MODULE_2__/* .githubErrorStatus */ .m9)(err);
    const answer = status !== undefined ? `GitHub answered ${status}` : 'the request failed';
    const hint = status === 401 || status === 403 || status === 404
        ? `The token probably lacks \`${needed}\`: grant it in the workflow's \`permissions:\`.`
        : `It needs \`${needed}\`; GitHub may also be having trouble.`;
    return `Could not ${what}: ${answer} (${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .oneLine */ .TN)((0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorMessage */ .gJ)(err), 200)}). ${hint} The deploy itself is not affected.`;
}
/** A deployment status description within GitHub's limit. */
function truncateDescription(text) {
    return (0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .oneLine */ .TN)(text, maxDescription);
}


/***/ }),

/***/ 1765:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   WM: () => (/* binding */ savedApps),
/* harmony export */   ep: () => (/* binding */ savedWaves),
/* harmony export */   tu: () => (/* binding */ releaseFromSaved)
/* harmony export */ });
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
/** The waves without their bake probes. */
function savedWaves(outcome) {
    return outcome.waves?.map(({ apps, status, startedAt, endedAt }) => ({
        apps,
        status,
        ...(startedAt !== undefined ? { startedAt } : {}),
        ...(endedAt !== undefined ? { endedAt } : {})
    }));
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
        rolledBack: a.rolledBack,
        ...(a.rolledBackTo ? { rolledBackTo: savedRelease(a.rolledBackTo) } : {}),
        ...(a.wave !== undefined ? { wave: a.wave } : {})
    });
    return [
        ...(outcome.app ? [one(outcome.app, 'app')] : []),
        ...outcome.targets.map((t) => one(t, 'target'))
    ];
}


/***/ }),

/***/ 7343:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FB: () => (/* binding */ saveProgress),
/* harmony export */   K7: () => (/* binding */ loadProgress),
/* harmony export */   UM: () => (/* binding */ markMainStarted),
/* harmony export */   gu: () => (/* binding */ newProgress)
/* harmony export */ });
/* unused harmony export StateKey */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7264);
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
/** Called first thing by the session's main step; the post step then finds `isPost` set. */
function markMainStarted() {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__.saveState(StateKey.IsPost, 'true');
}
function saveProgress(progress) {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__.saveState(StateKey.Progress, JSON.stringify(progress));
}
/** The progress the main step saved, or undefined when there is none or it is unreadable. */
function loadProgress() {
    const raw = _actions_core__WEBPACK_IMPORTED_MODULE_0__.getState(StateKey.Progress);
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


/***/ }),

/***/ 7994:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Sy: () => (/* binding */ writeSummary),
/* harmony export */   mh: () => (/* binding */ writeInputErrorSummary)
/* harmony export */ });
/* unused harmony exports renderSummary, logTail, renderInputErrorSummary */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7264);
/* harmony import */ var _escape_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6412);
/* harmony import */ var _format_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2011);
/* harmony import */ var _verdict_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3138);
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
    const { status } = (0,_verdict_js__WEBPACK_IMPORTED_MODULE_3__/* .verdict */ .WJ)(outcome);
    const apps = (0,_verdict_js__WEBPACK_IMPORTED_MODULE_3__/* .appsOf */ .OC)(outcome);
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
    add(imagesHtml(apps), true);
    if (outcome.waves)
        add(`<h3>Waves</h3>\n${(0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .wavesTableHtml */ .Yg)(outcome)}`, true);
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
    const { status } = (0,_verdict_js__WEBPACK_IMPORTED_MODULE_3__/* .verdict */ .WJ)(outcome);
    const title = `${_format_js__WEBPACK_IMPORTED_MODULE_2__/* .statusIcons */ .pb[status]} Heroku ${_format_js__WEBPACK_IMPORTED_MODULE_2__/* .commandLabels */ .nX[outcome.command]}: ${_format_js__WEBPACK_IMPORTED_MODULE_2__/* .statusLabels */ .Uj[status]}`;
    const facts = [];
    if (outcome.pipeline)
        facts.push(`pipeline <strong>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(outcome.pipeline.name)}</strong>`);
    if (outcome.dryRun)
        facts.push('dry run: nothing was changed');
    if (outcome.endedAt !== undefined)
        facts.push(`took ${(0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .durationText */ .S5)(outcome.startedAt, outcome.endedAt)}`);
    const run = (0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .runUrl */ .Vp)(ctx);
    if (run)
        facts.push((0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .link */ .nf)('workflow run', run));
    const factsHtml = facts.length > 0 ? `\n<p>${facts.join(' · ')}</p>` : '';
    return `<h2>${title}</h2>${factsHtml}`;
}
function cancelledHtml(outcome) {
    const phase = (0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .currentPhase */ .hk)(outcome);
    const during = phase ? ` during <strong>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(_format_js__WEBPACK_IMPORTED_MODULE_2__/* .phaseLabels */ .ve[phase])}</strong>` : '';
    return `<p><strong>The run was cancelled or crashed${during} before it finished.</strong> What is live now is listed below, as far as the run knew.</p>`;
}
function causeHtml(outcome) {
    const cause = (0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .causeText */ .xv)(outcome);
    return cause ? `<p><strong>Cause:</strong> ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(cause)}</p>` : undefined;
}
function planHtml(plan) {
    const shown = plan
        .slice(0, maxPlanLines)
        .map((line) => `<li>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .oneLine */ .TN)(line, 500))}</li>`);
    const more = plan.length > maxPlanLines ? `<li>… ${plan.length - maxPlanLines} more steps</li>` : '';
    const body = shown.length > 0 ? `<ol>${shown.join('')}${more}</ol>` : '<p>No steps.</p>';
    return `<h3>Plan</h3>\n${body}`;
}
function appsTableHtml(apps, ctx) {
    const header = '<tr><th>Stage</th><th>App</th><th>Release</th><th>Commit</th><th>Build</th><th>Health</th><th>Duration</th><th>Rolled back</th></tr>';
    const rows = apps.slice(0, maxApps).map((a) => {
        const was = a.before && a.release && a.before.id !== a.release.id ? ` (was ${(0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .versionText */ .KA)(a.before)})` : '';
        const build = a.buildId
            ? `<code title="${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(a.buildId)}">${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(a.buildId.slice(0, 8))}</code>${a.buildStatus ? ` ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .oneLine */ .TN)(a.buildStatus, 40))}` : ''}`
            : '—';
        const cells = [
            (0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(a.stage),
            (0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .appHtml */ .HN)(a),
            `${(0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .versionText */ .KA)(a.release)}${was}`,
            (0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .commitHtml */ .$r)(ctx, a.release?.commit),
            build,
            (0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .healthHtml */ .k6)(a.health),
            (0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .durationText */ .S5)(a.startedAt, a.endedAt),
            (0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .rolledBackHtml */ .d2)(a)
        ];
        return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    });
    const more = apps.length > maxApps ? `\n<p>… and ${apps.length - maxApps} more apps.</p>` : '';
    return `<h3>Apps</h3>\n<table>${header}${rows.join('')}</table>${more}`;
}
/**
 * The images of container releases (image ID per process type, and the manifest digest where
 * this run resolved it) and the OCI image of Fir releases: what identifies a release without a
 * slug. At least 12 hex characters of each are shown, the whole ID in the title.
 */
function imagesHtml(apps) {
    const short = (digest) => `<code title="${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(digest)}">${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(digest.replace(/^sha256:/, '').slice(0, 12))}</code>`;
    const rows = [];
    for (const a of apps.slice(0, maxApps)) {
        const images = a.release?.images ?? {};
        for (const [process, imageId] of Object.entries(images).slice(0, 20)) {
            const manifest = a.images?.[process]?.manifestDigest;
            rows.push(`<tr><td>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(a.app)}</td><td>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(process)}</td><td>${short(imageId)}</td><td>${manifest ? short(manifest) : '—'}</td></tr>`);
        }
        if (a.release?.ociImageId) {
            rows.push(`<tr><td>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(a.app)}</td><td>OCI image (Fir)</td><td><code>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(a.release.ociImageId)}</code></td><td>—</td></tr>`);
        }
    }
    if (rows.length === 0)
        return undefined;
    return `<h3>Images</h3>\n<table><tr><th>App</th><th>Process</th><th>Image ID</th><th>Manifest digest</th></tr>${rows.join('')}</table>`;
}
function liveNowSectionHtml(apps) {
    const items = apps.slice(0, maxApps).map((a) => `<li>${(0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .appHtml */ .HN)(a)}: ${(0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .liveNowHtml */ .Wg)(a)}</li>`);
    return `<h3>What is live now</h3>\n<ul>${items.join('')}</ul>`;
}
function reviewAppHtml(outcome) {
    const r = outcome.reviewApp;
    if (!r)
        return undefined;
    return `<p>Review app <code>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(r.id)}</code> for PR #${r.prNumber} (branch <code>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .oneLine */ .TN)(r.branch, 200))}</code>): ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .oneLine */ .TN)(r.status, 100))}</p>`;
}
function sweepHtml(entries) {
    const header = '<tr><th>Review app</th><th>PR</th><th>Branch</th><th>App</th><th>Action</th><th>Reason</th></tr>';
    const rows = entries.slice(0, maxSweepRows).map((e) => {
        const cells = [
            `<code>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(e.reviewAppId)}</code>`,
            e.prNumber !== undefined ? `#${e.prNumber}` : '—',
            `<code>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .oneLine */ .TN)(e.branch, 200))}</code>`,
            e.app ? (0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(e.app) : '—',
            (0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(e.action),
            (0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .oneLine */ .TN)(e.reason, 300))
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
        const firstLine = (0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .oneLine */ .TN)(c.message.split('\n')[0] ?? '', 200);
        const author = c.author ? ` — ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .oneLine */ .TN)(c.author, 100))}` : '';
        const sha = c.url ? `<code>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .link */ .nf)(c.sha.slice(0, 7), c.url)}</code>` : (0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .commitHtml */ .$r)(ctx, c.sha);
        return `<li>${sha} ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(firstLine)}${author}</li>`;
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
            (0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(_format_js__WEBPACK_IMPORTED_MODULE_2__/* .phaseLabels */ .ve[p.name] ?? p.name),
            p.detail ? (0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .oneLine */ .TN)(p.detail, 100)) : '',
            `+${(0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .formatDuration */ .a3)(p.startedAt - outcome.startedAt)}`,
            (0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .durationText */ .S5)(p.startedAt, p.endedAt),
            result
        ];
        return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    });
    return `<h3>Timeline</h3>\n<table>${header}${rows.join('')}</table>`;
}
/** The last failed probes of each app whose gate failed: status, error and a body excerpt. */
function probesHtml(apps) {
    const parts = apps
        .filter((a) => a.health?.passed === false && a.health.probes.length > 0)
        .map((a) => (0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .gateDetails */ .M3)(a, maxProbesShown));
    return parts.length > 0 ? parts.join('\n') : undefined;
}
/** The end of a log, without colour codes, at most `lines` lines and `maxBytes` once escaped. */
function logTail(raw, maxBytes, lines) {
    // Escaping never shrinks text and a character is at least a byte: the last `maxBytes`
    // characters are all that can survive, so the rest is never looked at.
    let truncated = raw.length > maxBytes;
    let text = (0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .stripControl */ .kU)(truncated ? raw.slice(raw.length - maxBytes) : raw);
    const all = text.split('\n');
    if (all.length > lines) {
        text = all.slice(all.length - lines).join('\n');
        truncated = true;
    }
    while (bytes((0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(text)) > maxBytes) {
        const ratio = maxBytes / bytes((0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(text));
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
    return `<details><summary>${label}</summary>\n\n<pre>\n${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(text)}\n</pre>\n\n</details>`;
}
function notesHtml(notes) {
    const items = notes.slice(0, maxNotes).map((n) => `<li>${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .oneLine */ .TN)(n, 500))}</li>`);
    const more = notes.length > maxNotes ? `<li>… ${notes.length - maxNotes} more notes</li>` : '';
    return `<h3>Notes</h3>\n<ul>${items.join('')}${more}</ul>`;
}
function footerHtml(outcome, ctx) {
    const parts = [];
    if (outcome.heroku) {
        const left = outcome.heroku.rateLimitRemaining !== undefined
            ? `${outcome.heroku.rateLimitRemaining}`
            : 'unknown';
        const paced = outcome.heroku.pacedPolls ?? 0;
        // Said only when it cost time: polls are held to the run's average (heroku/pacer.ts).
        const held = paced > 0 ? ` (${paced} polls slowed to spare the rate limit)` : '';
        parts.push(`Heroku API: ${outcome.heroku.requests} requests${held}, rate-limit budget left: ${left}.`);
    }
    const phase = (0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .currentPhase */ .hk)(outcome);
    if (outcome.status === 'cancelled' && phase)
        parts.push(`Last phase: ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)(_format_js__WEBPACK_IMPORTED_MODULE_2__/* .phaseLabels */ .ve[phase])}.`);
    const run = (0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .runUrl */ .Vp)(ctx);
    if (run)
        parts.push(`Commit ${(0,_format_js__WEBPACK_IMPORTED_MODULE_2__/* .commitHtml */ .$r)(ctx, ctx.sha)} · ${(0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .link */ .nf)(`run ${ctx.runId}`, run)}`);
    return parts.length > 0 ? `<p><sub>${parts.join(' ')}</sub></p>` : '';
}
/** Writes the summary once (one append to GITHUB_STEP_SUMMARY). */
async function writeSummary(outcome, ctx, summary = _actions_core__WEBPACK_IMPORTED_MODULE_0__.summary) {
    await summary.addRaw(renderSummary(outcome, ctx)).write();
}
/**
 * The summary of a run stopped by an input error: no Outcome exists yet (the settings, even the
 * command, may be what is wrong), so only the cause. The message names inputs, never values of
 * secret ones.
 */
function renderInputErrorSummary(message) {
    const cause = (0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeHtml */ .ZD)((0,_escape_js__WEBPACK_IMPORTED_MODULE_1__/* .stripControl */ .kU)(message).slice(0, 4000));
    return (`<h2>${_format_js__WEBPACK_IMPORTED_MODULE_2__/* .statusIcons */ .pb.failed} Heroku: ${_format_js__WEBPACK_IMPORTED_MODULE_2__/* .statusLabels */ .Uj.failed} (input error)</h2>\n` +
        '<p>Nothing was asked of Heroku or GitHub: the run stopped at its inputs.</p>\n\n' +
        `<p><strong>Cause:</strong> ${cause}</p>\n`);
}
async function writeInputErrorSummary(message, summary = _actions_core__WEBPACK_IMPORTED_MODULE_0__.summary) {
    await summary.addRaw(renderInputErrorSummary(message)).write();
}


/***/ }),

/***/ 5709:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   T: () => (/* binding */ unansweredDeployments)
/* harmony export */ });
/* harmony import */ var _github_client_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6584);
/* harmony import */ var _deployment_payload_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5536);
/* harmony import */ var _github_warnings_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3597);



/** Each environment is listed once; after a request without answer, no more are made. */
async function unansweredDeployments(api, ctx, progress, failed, warn) {
    const asked = progress.creatingDeployments ?? [];
    if (asked.length === 0)
        return [];
    const known = new Set(progress.deployments.map((d) => d.id));
    const stamp = (0,_deployment_payload_js__WEBPACK_IMPORTED_MODULE_1__/* .deploymentRunStamp */ .oU)(ctx.runId, progress.startedAt);
    const found = [];
    for (const environment of new Set(asked.map((a) => a.environment))) {
        try {
            const listed = await api.listDeployments(environment);
            for (const { app } of asked.filter((a) => a.environment === environment)) {
                for (const d of listed) {
                    if (!known.has(d.id) && (0,_deployment_payload_js__WEBPACK_IMPORTED_MODULE_1__/* .madeByRun */ .MK)(d.payload, app, stamp))
                        found.push({ id: d.id, app, environment });
                }
            }
        }
        catch (err) {
            failed(err);
            warn((0,_github_warnings_js__WEBPACK_IMPORTED_MODULE_0__/* .githubWarning */ .IS)(`list the GitHub deployments of ${environment}`, _github_warnings_js__WEBPACK_IMPORTED_MODULE_0__/* .permission */ .EK.deployments, err));
            if ((0,_github_client_js__WEBPACK_IMPORTED_MODULE_2__/* .githubNoAnswer */ .p$)(err))
                break;
        }
    }
    return found;
}


/***/ }),

/***/ 3474:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   t: () => (/* binding */ githubApiFor)
/* harmony export */ });
/* harmony import */ var _github_client_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6584);
/** The GitHub API client a run uses, made from the settings (main step and post step alike). */

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
function githubApiFor(settings, ctx) {
    if (!settings.githubToken || !ctx.repository)
        return undefined;
    // The sweep asks GitHub which pull requests are closed, whatever the reporting settings.
    const sweep = settings.command === 'review-app-sweep';
    if (!sweep && !settings.prComment && !settings.githubDeployments)
        return undefined;
    return (0,_github_client_js__WEBPACK_IMPORTED_MODULE_0__/* .createGitHubApi */ ._j)(settings.githubToken, { apiUrl: ctx.apiUrl, owner: ctx.repository.owner, repo: ctx.repository.repo }, { timeoutMs: githubTimeoutMs(process.env) });
}


/***/ }),

/***/ 7527:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   w: () => (/* binding */ liveReader)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7264);
/* harmony import */ var _heroku_api_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5549);
/* harmony import */ var _heroku_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4713);
/** What is live on an app, read from Heroku with a short budget (main step on failure, post step). */



/**
 * For the post step after a cancel or crash: what is live on an app, and work still running on
 * it. Reads only, with a short budget (the post step must not hang on Heroku).
 */
function liveReader(settings) {
    const heroku = new _heroku_api_js__WEBPACK_IMPORTED_MODULE_1__/* .HerokuApi */ .z((0,_heroku_js__WEBPACK_IMPORTED_MODULE_2__/* .herokuClientFor */ .d)(settings, {
        requestTimeoutMs: 5000,
        retry: { maxAttempts: 2, maxTotalMs: 8000 },
        log: (msg) => _actions_core__WEBPACK_IMPORTED_MODULE_0__.debug(msg)
    }));
    return async (app) => {
        const [releases, builds] = await Promise.all([
            heroku.listReleases(app, 10),
            heroku.listBuilds(app, 3)
        ]);
        const current = (0,_heroku_api_js__WEBPACK_IMPORTED_MODULE_1__/* .pickCurrentRelease */ .SP)(releases);
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


/***/ }),

/***/ 3138:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   OC: () => (/* binding */ appsOf),
/* harmony export */   U_: () => (/* binding */ appFailure),
/* harmony export */   WJ: () => (/* binding */ verdict),
/* harmony export */   dw: () => (/* binding */ appVerdict)
/* harmony export */ });
/** Statuses a command records when it reached its wanted end state. */
const SUCCESS_STATUSES = new Set([
    'deployed',
    'promoted',
    'review-app-ready',
    'rolled-back'
]);
/** Statuses that end a run without failing it (nothing to do, or nothing meant to be done). */
const QUIET_STATUSES = new Set([
    'review-app-deleted',
    'planned',
    'skipped'
]);
/** Every app the run acted on: the source/app first, then the targets. */
function appsOf(outcome) {
    return outcome.app ? [outcome.app, ...outcome.targets] : [...outcome.targets];
}
/**
 * Why the app's part failed, in one sentence, or undefined when nothing says it did: an error
 * recorded on it, a failed build, a release that did not succeed (release phase), a failed
 * gate, or a rollback (outside the `rollback` command, where rolling back is the goal).
 */
function appFailure(app, command) {
    if (app.error !== undefined)
        return app.error;
    if (app.buildStatus !== undefined && !['succeeded', 'pending'].includes(app.buildStatus))
        return `the build ${app.buildStatus}`;
    const release = app.release;
    if (release?.status !== undefined &&
        release.status !== 'succeeded' &&
        release.status !== 'pending')
        return `release v${release.version} ${release.status === 'failed' ? 'failed its release phase' : `ended ${release.status}`}`;
    if (app.health && !app.health.passed)
        return `v${release?.version ?? '?'} failed its health check${app.health.reason ? `: ${app.health.reason}` : ''}`;
    if (app.rolledBack && command !== 'rollback')
        return 'it was rolled back';
    return undefined;
}
/**
 * One app's verdict. It succeeded when nothing says it failed, its release went live
 * (`succeeded`), and either it finished its own work (`endedAt`) or the whole run did.
 */
function appVerdict(outcome, app) {
    if (appFailure(app, outcome.command) !== undefined)
        return 'failed';
    const live = app.release !== undefined && (app.release.status ?? 'succeeded') === 'succeeded';
    const finished = app.endedAt !== undefined || runStatus(outcome).ok;
    if (live && finished)
        return 'succeeded';
    return outcome.status === 'cancelled' ? 'cancelled' : 'failed';
}
/** The recorded status, before the apps are looked at. */
function runStatus(outcome) {
    const status = outcome.status;
    const ok = SUCCESS_STATUSES.has(status) || QUIET_STATUSES.has(status);
    return { status, ok: ok && outcome.error === undefined };
}
/**
 * The run's verdict: a success status stands only when no app failed and no error was
 * recorded; otherwise the run failed (a cancelled run stays cancelled).
 */
function verdict(outcome) {
    const status = outcome.status;
    if (status === 'cancelled')
        return { status, ok: false };
    if (!SUCCESS_STATUSES.has(status) && !QUIET_STATUSES.has(status))
        return { status, ok: false };
    const contradicted = outcome.error !== undefined ||
        appsOf(outcome).some((a) => appFailure(a, outcome.command) !== undefined);
    return contradicted ? { status: 'failed', ok: false } : { status, ok: true };
}


/***/ })

};
