export const id = 379;
export const ids = [379];
export const modules = {

/***/ 3379:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runPostStep: () => (/* binding */ runPostStep)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 10 modules
var core = __webpack_require__(7264);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/inputs/index.ts + 7 modules
var inputs = __webpack_require__(4811);
// EXTERNAL MODULE: ./src/github/client.ts
var client = __webpack_require__(6584);
// EXTERNAL MODULE: ./src/package/temp.ts
var temp = __webpack_require__(7520);
// EXTERNAL MODULE: ./src/heroku/wait.ts
var wait = __webpack_require__(2799);
// EXTERNAL MODULE: ./src/verdict.ts
var verdict = __webpack_require__(3138);
// EXTERNAL MODULE: ./src/report/comment.ts
var comment = __webpack_require__(4231);
// EXTERNAL MODULE: ./src/report/escape.ts
var report_escape = __webpack_require__(6412);
// EXTERNAL MODULE: ./src/report/format.ts
var format = __webpack_require__(2011);
// EXTERNAL MODULE: ./src/report/github-warnings.ts
var github_warnings = __webpack_require__(3597);
// EXTERNAL MODULE: ./src/report/saved.ts
var saved = __webpack_require__(1765);
// EXTERNAL MODULE: ./src/report/state.ts
var state = __webpack_require__(7343);
// EXTERNAL MODULE: ./src/report/summary.ts
var summary = __webpack_require__(7994);
// EXTERNAL MODULE: ./src/report/unanswered-deployments.ts
var unanswered_deployments = __webpack_require__(5709);
;// CONCATENATED MODULE: ./src/report/post.ts
/**
 * The post step's reporting: when the main step was cancelled or crashed, it finishes the
 * deployments, the comment and the summary from what the main step saved.
 */














const postNote = 'Finished by the post step from what the main step saved; Heroku was not asked again.';
/** An Outcome rebuilt from what the main step saved, marked cancelled. */
function outcomeFromProgress(progress, now = Date.now()) {
    const toApp = (a) => ({
        app: a.app,
        stage: a.stage,
        webUrl: a.webUrl,
        before: (0,saved/* releaseFromSaved */.tu)(a.before),
        release: (0,saved/* releaseFromSaved */.tu)(a.release),
        liveAfter: (0,saved/* releaseFromSaved */.tu)(a.liveAfter),
        rolledBack: a.rolledBack ?? false,
        ...(a.rolledBackTo ? { rolledBackTo: (0,saved/* releaseFromSaved */.tu)(a.rolledBackTo) } : {}),
        ...(a.wave !== undefined ? { wave: a.wave } : {})
    });
    const phase = progress.phase !== 'start' ? progress.phase : undefined;
    const during = phase ? ` during the ${phase} phase` : '';
    const error = progress.interrupted
        ? `The run was cancelled (${progress.interrupted})${during} before it finished.`
        : progress.crashed
            ? `The main step crashed (${progress.crashed})${during} before it finished; its log has the details.`
            : `The main step stopped${during} without finishing: it was cancelled or crashed.`;
    const main = progress.apps.find((a) => a.role === 'app');
    // The main step had reached its verdict and was writing its report: that is the result.
    const ended = progress.ended;
    return {
        command: progress.command,
        status: ended ? ended.status : 'cancelled',
        dryRun: progress.dryRun,
        startedAt: progress.startedAt,
        endedAt: now,
        pipeline: progress.pipeline ? { id: '', name: progress.pipeline } : undefined,
        app: main ? toApp(main) : undefined,
        targets: progress.apps.filter((a) => a.role === 'target').map(toApp),
        ...(progress.waves ? { waves: progress.waves.map((w) => ({ ...w })) } : {}),
        ...(progress.reviewApp ? { reviewApp: { ...progress.reviewApp } } : {}),
        phases: phase
            ? [{ name: phase, startedAt: progress.phaseStartedAt ?? progress.startedAt }]
            : [],
        ...(ended ? (ended.error ? { error: ended.error } : {}) : { error }),
        notes: ended
            ? [
                `The main step was stopped while it wrote its final report (${progress.interrupted ? `cancelled, ${progress.interrupted}` : 'crashed'}): this is the result it had reached.`,
                postNote
            ]
            : [postNote]
    };
}
/**
 * The post step: removes temporary files the main step left, and when the main step did not
 * finish (cancel, crash) sets its deployments to failure (review apps: inactive), says so in the
 * comment and the summary with what is live (read from Heroku when it can), and fails the step.
 * Does nothing else when the main step finished.
 */
async function runPost(ctx, api, log = core, opts = {}) {
    const progress = (0,state/* loadProgress */.K7)();
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
            if (await (0,temp/* removeRunTempDir */.jg)(dir, ctx.runnerTemp))
                log.info(`Removed ${dir}.`);
        }
        catch (err) {
            warn(`Could not remove the temporary directory ${dir}: ${(0,report_escape/* oneLine */.TN)((0,errors/* errorMessage */.gJ)(err), 200)}`);
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
        if ((0,client/* githubNoAnswer */.p$)(err))
            githubDown = true;
    };
    if (api) {
        const setStatus = async (id, app, state, environmentUrl, description) => {
            try {
                await api.createDeploymentStatus(id, {
                    state,
                    environmentUrl,
                    logUrl: (0,format/* runUrl */.Vp)(ctx),
                    description: (0,github_warnings/* truncateDescription */.Hy)(description)
                });
            }
            catch (err) {
                failed(err);
                warn((0,github_warnings/* githubWarning */.IS)(`set the GitHub deployment of ${app} to ${state}`, github_warnings/* permission */.EK.deployments, err));
            }
        };
        for (const d of progress.deployments) {
            if (githubDown)
                break;
            // The status the main step decided on, when it got that far; else failure (a review
            // app's too: `inactive` would show the app destroyed, and a cancelled run deleted nothing).
            const state = (d.final?.state ?? 'failure');
            const done = d.final
                ? d.state === d.final.state
                : ['success', 'failure', 'inactive', 'error'].includes(d.state);
            if (done)
                continue;
            const description = d.final?.description ?? outcome.error ?? 'Cancelled';
            await setStatus(d.id, d.app, state, d.webUrl, description);
        }
        for (const { id, app } of await (0,unanswered_deployments/* unansweredDeployments */.T)(api, ctx, progress, failed, warn)) {
            if (githubDown)
                break;
            await setStatus(id, app, 'failure', undefined, outcome.error ?? 'Cancelled');
        }
        if (progress.purpose && progress.prNumbers.length > 0 && !githubDown) {
            const body = (0,comment/* renderComment */.wQ)(outcome, ctx, progress.purpose, 'final');
            let viewer;
            const login = async () => (viewer ??= await (0,comment/* resolveViewerLogin */.Ox)(api));
            for (const pr of progress.prNumbers) {
                if (githubDown)
                    break;
                const known = progress.comments.find((c) => c.pr === pr)?.id;
                try {
                    const stamp = { startedAt: progress.startedAt, runId: ctx.runId };
                    const done = await (0,comment/* postComment */.Gy)(api, pr, progress.purpose, body, login, known, stamp);
                    if (done.skipped)
                        log.info(`The comment on PR #${pr} was written by a run that started after this one: left as it is.`);
                }
                catch (err) {
                    failed(err);
                    warn((0,github_warnings/* githubWarning */.IS)(`update the comment on PR #${pr}`, github_warnings/* permission */.EK.comment, err));
                }
            }
        }
    }
    if (!progress.summaryWritten) {
        try {
            await (0,summary/* writeSummary */.Sy)(outcome, ctx);
        }
        catch (err) {
            warn(`Could not write the job summary: ${(0,report_escape/* oneLine */.TN)((0,errors/* errorMessage */.gJ)(err), 300)}`);
        }
    }
    // The main step's own verdict, when it had one, decides: a good run is not turned red.
    const ended = progress.ended;
    if (ended?.ok)
        log.info('The run had succeeded before the main step was stopped.');
    else if (ended)
        log.setFailed(ended.error ?? `The run ended ${ended.status}.`);
    else
        log.setFailed(outcome.error ?? 'The main step did not finish.');
}
/**
 * After a cancel or crash, what is live on each app is read from Heroku (the saved progress
 * may be behind: a build or release can still have finished). Bounded by `timeoutMs`; an app
 * that cannot be read keeps what was saved.
 */
async function readLive(outcome, live, timeoutMs, log) {
    const apps = (0,verdict/* appsOf */.OC)(outcome);
    if (apps.length === 0)
        return;
    const read = Promise.all(apps.map(async (app) => {
        try {
            const state = await live(app.app);
            if (state.release)
                app.liveAfter = (0,saved/* releaseFromSaved */.tu)(state.release);
            if (state.pending) {
                outcome.notes.push(`${app.app}: ${state.pending}; it may still go live.`);
            }
            return true;
        }
        catch (err) {
            log.info(`Could not read what is live on ${app.app}: ${(0,report_escape/* oneLine */.TN)((0,errors/* errorMessage */.gJ)(err), 200)}`);
            return false;
        }
    }));
    const done = await (0,wait/* settledWithin */.X$)(read, timeoutMs);
    if (done?.some(Boolean)) {
        outcome.notes = outcome.notes.map((n) => n === postNote ? 'Finished by the post step; what is live was read from Heroku.' : n);
    }
}

// EXTERNAL MODULE: ./src/run/github.ts
var run_github = __webpack_require__(3474);
// EXTERNAL MODULE: ./src/run/live.ts
var run_live = __webpack_require__(7527);
;// CONCATENATED MODULE: ./src/run/post-step.ts
/**
 * The post step: finishes the reports when the main step was cancelled or crashed (from what it
 * saved), and removes what it left behind. It never turns a good run red.
 */






async function runPostStep() {
    try {
        const ctx = (0,inputs/* getRunContext */.DI)();
        let github;
        let live;
        try {
            const settings = (0,inputs/* getSettings */.mt)(process.env, ctx, core.setSecret);
            github = (0,run_github/* githubApiFor */.t)(settings, ctx);
            live = (0,run_live/* liveReader */.w)(settings);
        }
        catch {
            github = undefined;
        }
        await runPost(ctx, github, core, { live });
    }
    catch (err) {
        // The post step only finishes reporting; it never turns a good run red.
        core.warning(`Post step: ${(0,errors/* errorMessage */.gJ)(err)}`);
    }
}


/***/ })

};
