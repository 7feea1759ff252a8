export const id = 542;
export const ids = [542];
export const modules = {

/***/ 542:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runMainStep: () => (/* binding */ runMainStep)
});

// UNUSED EXPORTS: withLiveNow

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 10 modules
var core = __webpack_require__(7264);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
;// CONCATENATED MODULE: ./src/outcome.ts
/** Adds a note to the summary's notes, once. Returns whether it was new. */
function addNote(outcome, note) {
    if (outcome.notes.includes(note))
        return false;
    outcome.notes.push(note);
    return true;
}
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

;// CONCATENATED MODULE: ./src/report/interrupt.ts
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

// EXTERNAL MODULE: ./src/report/comment.ts
var comment = __webpack_require__(4231);
// EXTERNAL MODULE: ./src/github/client.ts
var client = __webpack_require__(6584);
;// CONCATENATED MODULE: ./src/github/environments.ts
/** GitHub environment names the action records deployments under. */
/** The review apps' GitHub environment: the configured name, else `pr-<n>`. */
function reviewAppEnvironmentName(configured, prNumber) {
    return configured && configured.trim() !== '' ? configured : `pr-${prNumber}`;
}

// EXTERNAL MODULE: ./src/verdict.ts
var verdict = __webpack_require__(3138);
// EXTERNAL MODULE: ./src/report/deployment-payload.ts
var deployment_payload = __webpack_require__(5536);
// EXTERNAL MODULE: ./src/report/unanswered-deployments.ts
var unanswered_deployments = __webpack_require__(5709);
// EXTERNAL MODULE: ./src/report/format.ts
var format = __webpack_require__(2011);
// EXTERNAL MODULE: ./src/report/github-warnings.ts
var github_warnings = __webpack_require__(3597);
;// CONCATENATED MODULE: ./src/report/deployment-records.ts







/**
 * A deleted review app's deployments are looked for in the newest 1,000 of its environment: a
 * PR with many pushes, or a shared `review-app-environment`, has more than one page of them.
 */
const DELETED_REVIEW_APP_PAGES = 10;
/** A successful deployment's description: what is live, and for a rollback, the code of which release. */
function successDescription(app) {
    const health = app.health?.checked ? ' and healthy' : '';
    const restored = app.rolledBack && app.rolledBackTo ? `Rolled back to ${(0,format/* versionText */.KA)(app.rolledBackTo)}: ` : '';
    return `${restored}${(0,format/* versionText */.KA)(app.release)} is live${health}`;
}
class DeploymentRecords {
    s;
    constructor(s) {
        this.s = s;
    }
    /**
     * A deployment to `app` begins: record a GitHub Deployment (as `app.deployment` describes it)
     * with an `in_progress` status. Returns its id, or undefined when none was recorded.
     */
    async started(app) {
        const api = this.s.api;
        if (!api || !this.s.deploymentsEnabled() || !app.deployment)
            return undefined;
        const { environment, transient, production, prNumber } = app.deployment;
        let id;
        const create = (ref) => api.createDeployment({
            ref,
            environment,
            description: (0,github_warnings/* truncateDescription */.Hy)(`${this.s.config.command} ${app.app}`),
            transient,
            production,
            // The PR tells a review app's deployments apart in a shared review-app-environment;
            // the run (and its start) tells the post step which one this run made.
            payload: {
                app: app.app,
                ...(prNumber !== undefined ? { pr: prNumber } : {}),
                ...(0,deployment_payload/* deploymentRunStamp */.oU)(this.s.ctx.runId, this.s.progress.startedAt)
            }
        });
        const ref = this.ref(app);
        const workflowRef = this.workflowRef();
        // Saved before the request: a cancel while it is in flight leaves the post step a
        // deployment GitHub may have created without telling us its id.
        const creating = { app: app.app, environment };
        const pending = (this.s.progress.creatingDeployments ??= []);
        pending.push(creating);
        this.s.saveProgress();
        const answered = () => {
            pending.splice(pending.indexOf(creating), 1);
        };
        try {
            // The release's commit may not be in this repository (built elsewhere): GitHub refuses
            // it with 422 and creates nothing, so the workflow's commit is used instead.
            id = await create(ref).catch((err) => {
                if (ref === workflowRef || (0,client/* githubErrorStatus */.m9)(err) !== 422)
                    throw err;
                this.s.log.info(`GitHub does not know commit ${ref.slice(0, 7)} of ${app.app}: its deployment names the workflow's commit instead.`);
                return create(workflowRef);
            });
        }
        catch (err) {
            // Without an answer it may exist: left for the post step, should the run be cancelled.
            if (!(0,client/* githubNoAnswer */.p$)(err))
                answered();
            this.s.saveProgress();
            this.s.failed(`record a GitHub deployment for ${app.app}`, github_warnings/* permission */.EK.deployments, err, 'deployments');
            return undefined;
        }
        const saved = {
            id,
            app: app.app,
            environment,
            transient,
            webUrl: app.webUrl,
            state: 'created'
        };
        answered();
        this.s.progress.deployments.push(saved);
        this.s.saveProgress();
        await this.setState(saved, 'in_progress', app.webUrl, `Deploying ${app.app}`);
        return id;
    }
    /**
     * The app's release is live and passed its gate: its deployment becomes `success` now, so a
     * later cancel (e.g. during the promotion that follows) does not report it as failed.
     */
    async verified(app) {
        const saved = this.s.progress.deployments.find((d) => d.app === app.app);
        if (!saved || (0,verdict/* appFailure */.U_)(app, this.s.config.command) !== undefined || !app.release)
            return;
        await this.setState(saved, 'success', app.webUrl, successDescription(app));
    }
    /** A rollback begins: a deployment already at `success` is no longer true; it is in progress again. */
    async rollbackStarted(app, toVersion) {
        const saved = this.s.progress.deployments.find((d) => d.app === app.app);
        if (saved?.state !== 'success')
            return;
        // Saved before the request: a cancel while it is in flight must not find "success" there.
        saved.state = 'in_progress';
        this.s.saveProgress();
        await this.setState(saved, 'in_progress', app.webUrl, `Rolling back to v${toVersion}`);
    }
    ref(app) {
        const commit = app.release?.commit ?? app.deployment?.commit;
        if ((0,format/* isSha */.HH)(commit) && commit.length === 40)
            return commit;
        return this.workflowRef();
    }
    workflowRef() {
        return this.s.ctx.pullRequest?.headSha || this.s.ctx.sha;
    }
    async setState(deployment, state, environmentUrl, description) {
        const api = this.s.api;
        if (!api || this.s.deploymentsOff || this.s.githubDown)
            return;
        try {
            await api.createDeploymentStatus(deployment.id, {
                state,
                environmentUrl,
                logUrl: (0,format/* runUrl */.Vp)(this.s.ctx),
                description: (0,github_warnings/* truncateDescription */.Hy)(description)
            });
            deployment.state = state;
            this.s.saveProgress();
        }
        catch (err) {
            this.s.failed(`set the GitHub deployment of ${deployment.app} to ${state}`, github_warnings/* permission */.EK.deployments, err, 'deployments');
        }
    }
    /**
     * Before the final statuses: deployments whose create answer was lost (GitHub may have made
     * them) are looked up by their payload and recorded, so they get a final status too instead
     * of staying pending. Saved, so a cancel from now on leaves them to the post step.
     */
    async findUnanswered(outcome) {
        const api = this.s.api;
        if (!api || !this.s.deploymentsEnabled())
            return;
        const found = await (0,unanswered_deployments/* unansweredDeployments */.T)(api, this.s.ctx, this.s.progress, (err) => this.s.stopIfNoAnswer(err), (message) => this.s.warnOnce(message));
        if (found.length === 0)
            return;
        const apps = (0,verdict/* appsOf */.OC)(outcome);
        for (const f of found) {
            const app = apps.find((a) => a.app === f.app);
            this.s.progress.deployments.push({
                id: f.id,
                app: f.app,
                environment: f.environment,
                transient: app?.deployment?.transient ?? false,
                webUrl: app?.webUrl,
                state: 'unknown'
            });
            const creating = this.s.progress.creatingDeployments ?? [];
            this.s.progress.creatingDeployments = creating.filter((c) => c.app !== f.app || c.environment !== f.environment);
        }
        this.s.saveProgress();
    }
    async sendFinal(outcome) {
        const apps = (0,verdict/* appsOf */.OC)(outcome);
        for (const d of this.s.progress.deployments) {
            const app = apps.find((a) => a.app === d.app);
            const final = d.final;
            // Already set when the app was verified (deploymentVerified).
            if (final.state === 'success' && d.state === 'success')
                continue;
            await this.setState(d, final.state, app?.webUrl ?? d.webUrl, final.description);
        }
        await this.deactivateDeletedReviewApps(outcome);
    }
    /** Each deployment's final status, from the verdict (the caller saves it before any is sent). */
    decideFinal(outcome, status) {
        const apps = (0,verdict/* appsOf */.OC)(outcome);
        for (const d of this.s.progress.deployments) {
            d.final = this.finalState(outcome, status, d, apps.find((a) => a.app === d.app));
        }
    }
    finalState(outcome, status, d, app) {
        if (d.transient && status === 'review-app-deleted')
            return { state: 'inactive', description: 'Review app deleted' };
        if (app && (0,verdict/* appVerdict */.dw)(outcome, app) === 'succeeded')
            return { state: 'success', description: successDescription(app) };
        const own = app ? (0,format/* causeText */.xv)({ ...outcome, app, targets: [], error: app.error }) : undefined;
        return {
            state: 'failure',
            description: own ?? (0,format/* causeText */.xv)(outcome) ?? (status === 'cancelled' ? 'Cancelled' : 'Failed')
        };
    }
    /** Deleted review apps: their environments' deployments become `inactive` (shown destroyed). */
    async deactivateDeletedReviewApps(outcome) {
        const api = this.s.api;
        if (!api || !this.s.deploymentsEnabled())
            return;
        const prs = new Set();
        const prNumber = outcome.reviewApp?.prNumber ?? this.s.ctx.pullRequest?.number;
        if (outcome.status === 'review-app-deleted' && prNumber !== undefined)
            prs.add(prNumber);
        for (const e of outcome.sweep ?? []) {
            if (e.action === 'deleted' && e.prNumber !== undefined)
                prs.add(e.prNumber);
        }
        // A configured environment is shared by every PR's review app: only the deployments whose
        // payload names a deleted PR are its own (older ones without it are left alone).
        const shared = this.s.config.reviewAppEnvironment?.trim()
            ? this.s.config.reviewAppEnvironment
            : '';
        const byEnvironment = new Map();
        if (shared)
            byEnvironment.set(shared, (payload) => prs.has(Number((0,deployment_payload/* payloadField */.$)(payload, 'pr'))));
        else
            for (const pr of prs)
                byEnvironment.set(reviewAppEnvironmentName(undefined, pr), () => true);
        const handled = new Set(this.s.progress.deployments.map((d) => d.id));
        for (const [environment, belongs] of byEnvironment) {
            if (prs.size === 0 || this.s.deploymentsOff || this.s.githubDown)
                return;
            let ids;
            try {
                ids = (await api.listDeployments(environment, DELETED_REVIEW_APP_PAGES))
                    .filter((d) => belongs(d.payload))
                    .map((d) => d.id);
            }
            catch (err) {
                this.s.failed(`list the GitHub deployments of ${environment}`, github_warnings/* permission */.EK.deployments, err, 'deployments');
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
                await this.setState(d, 'inactive', undefined, 'Review app deleted');
            }
        }
    }
}

// EXTERNAL MODULE: ./src/inputs/context.ts
var context = __webpack_require__(5722);
// EXTERNAL MODULE: ./src/report/escape.ts
var report_escape = __webpack_require__(6412);
// EXTERNAL MODULE: ./src/report/state.ts
var state = __webpack_require__(7343);
;// CONCATENATED MODULE: ./src/report/github-session.ts





class GitHubSession {
    config;
    ctx;
    api;
    log;
    progress;
    commentsOff = false;
    deploymentsOff = false;
    githubDown = false;
    finalTry = false;
    hasToken;
    warned = new Set();
    lastSaved = '';
    constructor(config, ctx, api, log, progress) {
        this.config = config;
        this.ctx = ctx;
        this.api = api;
        this.log = log;
        this.progress = progress;
        this.hasToken = config.hasGithubToken ?? api !== undefined;
    }
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
    /** Saves the progress for the post step (only when it changed). */
    saveProgress() {
        const json = JSON.stringify(this.progress);
        if (json === this.lastSaved)
            return;
        try {
            (0,state/* saveProgress */.FB)(this.progress);
            this.lastSaved = json;
        }
        catch (err) {
            this.warnOnce(`Could not save progress for the post step: ${(0,report_escape/* oneLine */.TN)((0,errors/* errorMessage */.gJ)(err), 200)}`);
        }
    }
    /** A GitHub failure: warn; after a refusal (401/403) stop trying that kind of write. */
    failed(what, needed, err, kind) {
        this.warnOnce((0,github_warnings/* githubWarning */.IS)(what, needed, err));
        this.stopIfNoAnswer(err);
        const status = (0,client/* githubErrorStatus */.m9)(err);
        if (status === 401 || status === 403) {
            if (kind === 'comments')
                this.commentsOff = true;
            else
                this.deploymentsOff = true;
        }
    }
    /**
     * GitHub gave no answer (timeout, connection failure): every further call would likely wait
     * as long again, so this run stops reporting to GitHub until its final report.
     */
    stopIfNoAnswer(err) {
        if (!(0,client/* githubNoAnswer */.p$)(err) || this.githubDown)
            return;
        this.githubDown = true;
        this.log.info(this.finalTry
            ? 'GitHub did not answer again: no more of the final report is sent to GitHub.'
            : 'GitHub did not answer: no more PR comment or deployment updates in this run (the final report gets one more try).');
    }
    /**
     * The final report: after a request without answer earlier, GitHub gets one more try (it may
     * be back; a single timeout mid-run must not leave the comment "in progress" and deployments
     * pending). A further request without answer stops it again, so at most one more wait.
     */
    tryOnceMoreForFinalReport() {
        if (!this.githubDown || this.finalTry)
            return;
        this.finalTry = true;
        this.githubDown = false;
        this.log.info('GitHub did not answer earlier: the final report gets one more try.');
    }
    warnOnce(message) {
        if (this.warned.has(message))
            return;
        this.warned.add(message);
        this.log.warning(message);
    }
}

;// CONCATENATED MODULE: ./src/report/outputs.ts
/**
 * The action's outputs, derived from the one final Outcome through the run's one verdict
 * (`verdict.ts`): the `status` output and the exit code cannot disagree.
 */


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
    'waves',
    'images',
    'rolled-back',
    'review-app-id',
    'review-app-url'
]));
function outputsFor(outcome) {
    const { status } = (0,verdict/* verdict */.WJ)(outcome);
    const app = outcome.app;
    const release = app?.release;
    const promotedApps = outcome.targets.map((t) => {
        const healthy = (0,verdict/* appVerdict */.dw)(outcome, t) === 'succeeded';
        return {
            app: t.app,
            release_version: t.release?.version ?? null,
            healthy,
            verified: healthy && t.health?.verified !== false,
            rolled_back: t.rolledBack,
            ...(t.wave !== undefined ? { wave: t.wave } : {})
        };
    });
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
        waves: outcome.waves
            ? JSON.stringify(outcome.waves.map((w) => ({ apps: w.apps, status: w.status })))
            : '',
        // Container releases: the image ID (config digest) per process type of the verified release.
        images: release?.images ? JSON.stringify(release.images) : '',
        'rolled-back': String((0,verdict/* appsOf */.OC)(outcome).some((a) => a.rolledBack)),
        'review-app-id': reviewApp?.id ?? '',
        'review-app-url': reviewApp ? (app?.webUrl ?? '') : ''
    };
}
function setOutputs(outcome, setOutput = core.setOutput) {
    for (const [name, value] of Object.entries(outputsFor(outcome)))
        setOutput(name, value);
}

// EXTERNAL MODULE: ./src/report/saved.ts
var saved = __webpack_require__(1765);
// EXTERNAL MODULE: ./src/report/summary.ts
var summary = __webpack_require__(7994);
;// CONCATENATED MODULE: ./src/report/reporter.ts
/**
 * The one place the commands report to. It keeps the PR comment and the GitHub Deployments in
 * step with the run, writes the summary and the outputs once at the end, and saves progress for
 * the post step. Nothing here throws: a GitHub failure is a warning naming the permission the
 * workflow must grant, never the cause of a failed deploy.
 */














class Reporter {
    config;
    ctx;
    api;
    log;
    progressState;
    session;
    deployments;
    prNumbers = [];
    /** `start`'s GitHub work; what edits the comment waits for it. */
    started = Promise.resolve();
    purpose;
    login;
    /** The comment id and body last sent, per PR: unchanged bodies are not sent again. */
    comments = new Map();
    /** PRs whose comment a later-started run has written: this run writes there no more. */
    yieldedComments = new Set();
    finished = false;
    /**
     * The command got past its checks against Heroku (a phase after `resolve` began, or a
     * deployment): only then is the PR commented on, so a bad input found on Heroku (an app not
     * in the pipeline, `buildpacks` on a Fir app) changes nothing on GitHub either.
     */
    checksPassed = false;
    /** The run's Outcome, from `start`. */
    outcome;
    constructor(config, ctx, api, log = core) {
        this.config = config;
        this.ctx = ctx;
        this.api = api;
        this.log = log;
        this.progressState = (0,state/* newProgress */.gu)(config.command, config.dryRun);
        this.session = new GitHubSession(config, ctx, api, log, this.progressState);
        this.deployments = new DeploymentRecords(this.session);
        const wanted = config.prComment || config.githubDeployments;
        if ((!api || config.hasGithubToken === false) && wanted && !config.dryRun) {
            this.log.info('No github-token: no PR comment and no GitHub Deployments for this run.');
        }
    }
    /**
     * The run began: find the PRs to comment on, and say "in progress" once the command's checks
     * have passed. The GitHub round trips this takes (PR lookup, comment search, comment) must
     * not hold up the deploy, so callers need not wait: `progress` and `finish` wait for it
     * before they touch the comment. Never rejects.
     */
    start(outcome) {
        this.outcome = outcome;
        this.progressState.startedAt = outcome.startedAt;
        this.save(outcome);
        this.started = this.announce(outcome).catch((err) => {
            this.log.warning(`Could not start the PR comment: ${(0,report_escape/* oneLine */.TN)((0,errors/* errorMessage */.gJ)(err), 300)}`);
        });
        return this.started;
    }
    async announce(outcome) {
        if (!this.session.commentingEnabled())
            return;
        this.prNumbers = await this.findPullRequests();
        this.progressState.prNumbers = this.prNumbers;
        this.save(outcome);
        if (this.pastChecks(outcome))
            await this.updateComments(outcome, 'in-progress');
    }
    /** Whether the command is past its checks: told so, or a phase after `resolve` began. */
    pastChecks(outcome) {
        return this.checksPassed || outcome.phases.some((p) => p.name !== 'resolve');
    }
    /**
     * The command is past its checks: the "in progress" comment follows, after whatever comment
     * work is under way (one write at a time, so a PR never gets two comments).
     */
    checksDone() {
        if (this.checksPassed || this.finished)
            return;
        this.checksPassed = true;
        const outcome = this.outcome;
        if (!outcome)
            return;
        this.started = this.started
            .then(() => this.updateComments(outcome, 'in-progress'))
            .catch((err) => {
            this.log.warning(`Could not start the PR comment: ${(0,report_escape/* oneLine */.TN)((0,errors/* errorMessage */.gJ)(err), 300)}`);
        });
    }
    /**
     * A deployment to `app` begins: record a GitHub Deployment (as `app.deployment` describes it)
     * with an `in_progress` status. Returns its id, or undefined when none was recorded.
     */
    deploymentStarted(app) {
        this.checksDone();
        return this.deployments.started(app);
    }
    /**
     * The app's release is live and passed its gate: its deployment becomes `success` now, so a
     * later cancel (e.g. during the promotion that follows) does not report it as failed.
     */
    deploymentVerified(app) {
        return this.deployments.verified(app);
    }
    /**
     * The run has its verdict: it and every deployment's final status are saved before anything
     * is sent, so a cancel from now on leaves the post step this run's result, not "cancelled".
     * Synchronous.
     */
    verdictReached(outcome) {
        const { status, ok } = (0,verdict/* verdict */.WJ)(outcome);
        this.deployments.decideFinal(outcome, status);
        this.progressState.ended = { status, ok, ...(outcome.error ? { error: outcome.error } : {}) };
        this.save(outcome);
    }
    /** A rollback begins: a deployment already at `success` is no longer true; it is in progress again. */
    rollbackStarted(app, toVersion) {
        return this.deployments.rollbackStarted(app, toVersion);
    }
    /** Something changed: save progress and refresh the comment (only when its body changed). */
    async progress(outcome) {
        this.save(outcome);
        await this.started;
        if (this.pastChecks(outcome))
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
        this.save(outcome);
        await this.started;
        this.session.tryOnceMoreForFinalReport();
        await this.deployments.findUnanswered(outcome);
        // Decided again: what was added since (promoted commits, deployments found) may change it.
        this.verdictReached(outcome);
        await this.deployments.sendFinal(outcome);
        // A bad input found before any change leaves GitHub as it was; the log and summary say why.
        if (this.pastChecks(outcome) || !outcome.inputError)
            await this.updateComments(outcome, 'final');
        try {
            await (0,summary/* writeSummary */.Sy)(outcome, this.ctx);
            this.progressState.summaryWritten = true;
        }
        catch (err) {
            this.log.warning(`Could not write the job summary: ${(0,report_escape/* oneLine */.TN)((0,errors/* errorMessage */.gJ)(err), 300)}`);
        }
        try {
            setOutputs(outcome);
        }
        catch (err) {
            this.log.warning(`Could not set the outputs: ${(0,report_escape/* oneLine */.TN)((0,errors/* errorMessage */.gJ)(err), 300)}`);
        }
        this.progressState.finished = true;
        this.save(outcome);
    }
    /** A phase began: save where the run is at once, for the post step after a cancel or crash. */
    phaseStarted(outcome) {
        if (this.finished)
            return;
        this.save(outcome);
        if (outcome.phases.some((p) => p.name !== 'resolve'))
            this.checksDone();
    }
    /** A temporary directory (saved before it is created) the post step removes if the main step cannot. */
    tempDirReserved(dir) {
        this.progressState.tempDirs = [...(this.progressState.tempDirs ?? []), dir];
        this.session.saveProgress();
    }
    tempDirRemoved(dir) {
        this.progressState.tempDirs = (this.progressState.tempDirs ?? []).filter((d) => d !== dir);
        this.session.saveProgress();
    }
    /**
     * For an `uncaughtExceptionMonitor`: remember that the main step crashed (synchronous). Only
     * the error's name is kept: its message may quote anything and the summary is not masked.
     */
    recordCrash(err) {
        this.progressState.crashed = err instanceof Error ? err.name : typeof err;
        this.session.saveProgress();
    }
    /** For the interrupt handler: remember the signal for the post step (synchronous). */
    recordInterruption(signal) {
        this.progressState.interrupted = signal;
        this.session.saveProgress();
    }
    /** Same as `recordInterruption`, for a handler that does not know the signal. */
    recordInterrupted(signal = 'SIGINT') {
        this.recordInterruption(signal);
    }
    // --- comments ---
    async findPullRequests() {
        const pr = this.ctx.pullRequest;
        if (pr) {
            if ((0,context/* pullRequestFromFork */.vE)(pr) && this.ctx.eventName === 'pull_request') {
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
            this.session.stopIfNoAnswer(err);
            this.session.warnOnce((0,github_warnings/* githubWarning */.IS)(`find the PRs of commit ${this.ctx.sha.slice(0, 7)}`, github_warnings/* permission */.EK.pullsRead, err));
            return [];
        }
    }
    async updateComments(outcome, phase) {
        const api = this.api;
        if (!api || !this.session.commentingEnabled() || this.prNumbers.length === 0)
            return;
        this.purpose ??= (0,comment/* commentPurpose */.ui)(outcome.command, outcome.app?.app ?? this.config.app);
        if (this.progressState.purpose !== this.purpose) {
            this.progressState.purpose = this.purpose;
            this.session.saveProgress();
        }
        const body = (0,comment/* renderComment */.wQ)(outcome, this.ctx, this.purpose, phase);
        for (const pr of this.prNumbers) {
            if (this.session.commentsOff || this.session.githubDown)
                return;
            const known = this.comments.get(pr);
            if (known?.body === body || this.yieldedComments.has(pr))
                continue;
            try {
                const { id, skipped } = await this.writeComment(api, pr, body, known?.id);
                if (skipped) {
                    // A run that started later owns the comment now: its result is the newer one.
                    this.yieldedComments.add(pr);
                    this.log.info(`The comment on PR #${pr} was written by a run that started after this one: this run leaves it as it is.`);
                    continue;
                }
                this.comments.set(pr, { id, body });
                this.rememberComment(pr, id);
            }
            catch (err) {
                // The final comment's own words: its failure is warned even after an earlier one.
                const what = phase === 'final' ? 'write the final comment' : 'update the comment';
                this.session.failed(`${what} on PR #${pr}`, github_warnings/* permission */.EK.comment, err, 'comments');
            }
        }
    }
    async writeComment(api, pr, body, knownId) {
        const purpose = this.purpose ?? (0,comment/* commentPurpose */.ui)(this.config.command, this.config.app);
        const login = async () => (this.login ??= await (0,comment/* resolveViewerLogin */.Ox)(api));
        const stamp = { startedAt: this.progressState.startedAt, runId: this.ctx.runId };
        return (0,comment/* postComment */.Gy)(api, pr, purpose, body, login, knownId, stamp);
    }
    rememberComment(pr, id) {
        const saved = this.progressState.comments;
        if (saved.some((c) => c.pr === pr && c.id === id))
            return;
        this.progressState.comments = [...saved.filter((c) => c.pr !== pr), { pr, id }];
        this.session.saveProgress();
    }
    // --- promoted commits ---
    /**
     * For a promotion: the commits it carries (GitHub compare between the two slugs' commits), to
     * enrich the Outcome before `finish`; undefined when they cannot be known. Reads only.
     */
    async promotedCommits(outcome) {
        const api = this.api;
        if (!api || this.session.githubDown || outcome.targets.length === 0)
            return undefined;
        const head = outcome.app?.release?.commit;
        const base = outcome.targets.map((t) => t.before?.commit).find((c) => (0,format/* isSha */.HH)(c));
        if (!(0,format/* isSha */.HH)(head) || !(0,format/* isSha */.HH)(base))
            return undefined;
        if (head === base)
            return [];
        await this.started;
        try {
            return await api.compare(base, head);
        }
        catch (err) {
            this.session.stopIfNoAnswer(err);
            this.session.warnOnce((0,github_warnings/* githubWarning */.IS)('list the commits this promotion carries', github_warnings/* permission */.EK.contents, err));
            return undefined;
        }
    }
    // --- state and warnings ---
    save(outcome) {
        const phase = (0,format/* currentPhase */.hk)(outcome);
        if (phase && phase !== this.progressState.phase) {
            this.progressState.phase = phase;
            this.progressState.phaseStartedAt = [...outcome.phases]
                .reverse()
                .find((p) => p.name === phase)?.startedAt;
        }
        this.progressState.pipeline = outcome.pipeline?.name;
        this.progressState.apps = (0,saved/* savedApps */.WM)(outcome);
        this.progressState.waves = (0,saved/* savedWaves */.ep)(outcome);
        if (outcome.reviewApp)
            this.progressState.reviewApp = { ...outcome.reviewApp };
        this.session.saveProgress();
    }
}

// EXTERNAL MODULE: ./src/heroku/wait.ts
var wait = __webpack_require__(2799);
// EXTERNAL MODULE: ./node_modules/@actions/exec/lib/exec.js + 3 modules
var exec = __webpack_require__(1260);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
;// CONCATENATED MODULE: ./src/package/git.ts
/**
 * Git for `method: git` and for the commit's subject. Every command is an args array (no shell);
 * the API key travels in an HTTP header given to git through its environment
 * (GIT_CONFIG_COUNT/KEY/VALUE), never in the URL or argv.
 */



/** Lines of the push's output (its build's log) kept for the failure report. */
const PUSH_TAIL_LINES = 50;
/** How long git has to end after SIGTERM before it is killed. */
const KILL_GRACE_MS = 3000;
/** A line longer than this (no newline yet) is written as it is so far. */
const MAX_LINE_CHARS = 64 * 1024;
/**
 * A push that did not succeed: git refused or failed (a failed build rejects the push), or it
 * ran out of time and was stopped (`timedOut`). `commit` is what was pushed (the build's
 * version), `tail` the last lines git wrote, secrets scrubbed.
 */
class GitPushError extends errors/* DeployError */.sH {
    commit;
    tail;
    timedOut;
    constructor(message, commit, tail, timedOut) {
        super(message, tail || undefined);
        this.commit = commit;
        this.tail = tail;
        this.timedOut = timedOut;
        this.name = 'GitPushError';
    }
}
/**
 * The push's output as lines: each line, secrets replaced by `***`, goes to `onLine` once it is
 * whole (a last line without a newline at `end`), and the last `maxLines` are kept.
 */
class PushLog {
    secrets;
    onLine;
    maxLines;
    partial = '';
    lines = [];
    constructor(secrets, onLine, maxLines = PUSH_TAIL_LINES) {
        this.secrets = secrets;
        this.onLine = onLine;
        this.maxLines = maxLines;
    }
    write(text) {
        const parts = (this.partial + text).split('\n');
        this.partial = parts.pop() ?? '';
        for (const line of parts)
            this.emit(line);
        if (this.partial.length > MAX_LINE_CHARS) {
            // A line that never ends is written in pieces. Every whole secret is scrubbed first, and
            // what could be the start of one stays for the next piece, so none is cut in two.
            this.partial = (0,errors/* scrubSecrets */.Zg)(this.partial, this.secrets);
            const keep = Math.max(0, ...this.secrets.map((s) => s.length)) - 1;
            const cut = this.partial.length - Math.max(0, keep);
            this.emit(this.partial.slice(0, cut));
            this.partial = this.partial.slice(cut);
        }
    }
    end() {
        if (this.partial)
            this.emit(this.partial);
        this.partial = '';
    }
    tail() {
        return this.lines.join('\n');
    }
    emit(raw) {
        const line = (0,errors/* scrubSecrets */.Zg)(raw.replace(/\r$/, ''), this.secrets);
        this.lines.push(line);
        if (this.lines.length > this.maxLines)
            this.lines.shift();
        this.onLine(line);
    }
}
/**
 * The runner's environment without the action's inputs (`INPUT_*`: the API key and the GitHub
 * token among them): nothing git starts (a hook, a credential helper, a proxy command) needs them.
 */
function gitEnv(extra = {}) {
    const env = {};
    for (const [k, v] of Object.entries(process.env)) {
        if (v !== undefined && !k.startsWith('INPUT_'))
            env[k] = v;
    }
    return { ...env, ...extra };
}
async function git(cwd, args, env) {
    const out = await (0,exec/* getExecOutput */.H)('git', args, {
        cwd,
        silent: true,
        ignoreReturnCode: true,
        env: gitEnv(env)
    });
    return { code: out.exitCode, stdout: out.stdout, stderr: out.stderr };
}
/** The commit checked out in `dir` (HEAD), or undefined outside a git work tree. */
async function headCommit(dir) {
    try {
        const r = await git(dir, ['rev-parse', 'HEAD']);
        return r.code === 0 && /^[0-9a-f]{40}$/.test(r.stdout.trim()) ? r.stdout.trim() : undefined;
    }
    catch {
        return undefined;
    }
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
 * Makes HEAD's tree under `sourceDir` a parentless commit and returns how to push it to the
 * app's git_url: no history is walked or sent (works from a shallow clone, and for a monorepo
 * subdirectory). The commit keeps
 * HEAD's author, committer, dates and message, so the same HEAD gives the same commit id. When
 * the app's repository has that commit already (an earlier run pushed it; the app has been
 * rolled back since), such a push would change nothing and start no build: the commit is then
 * made again with the committer date of now, which Heroku builds. `push` returns the commit
 * pushed (Heroku records it as the version).
 *
 * The push runs no hook of the repository (`core.hooksPath` from husky and the like would
 * otherwise run its pre-push hook with the key's header in its environment), reads no system
 * or user git config (an `insteadOf` there could send the header elsewhere), and gives the
 * header to the app's git host only.
 *
 * Done in two halves: the commit is made here (a work tree git cannot read fails before anything
 * changes on Heroku), and `push` sends it. Heroku's push returns once the build it runs has
 * ended: `push` hands each line git writes (the build's log, as `remote:` lines) to `onLine` as
 * it comes, stops git at `timeoutMs`, and fails with a `GitPushError` carrying the pushed commit
 * and the output's tail (secrets scrubbed) for the caller to find the build by.
 */
async function prepareGitPush(sourceDir, sha) {
    const p = { sourceDir, sha };
    const prefix = await git(p.sourceDir, ['rev-parse', '--show-prefix']);
    if (prefix.code !== 0)
        throw new errors/* DeployError */.sH(`method git needs a git work tree at source-dir: ${firstLine(prefix.stderr)}`);
    const sub = prefix.stdout.trim();
    const tree = await git(p.sourceDir, [
        'rev-parse',
        sub ? `HEAD:${sub.replace(/\/$/, '')}` : 'HEAD^{tree}'
    ]);
    if (tree.code !== 0)
        throw new errors/* DeployError */.sH(`Could not read HEAD's tree for source-dir: ${firstLine(tree.stderr)}`);
    const meta = await git(p.sourceDir, [
        'log',
        '-1',
        '--format=%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B',
        'HEAD'
    ]);
    if (meta.code !== 0)
        throw new errors/* DeployError */.sH(`Could not read HEAD: ${firstLine(meta.stderr)}`);
    const [an, ae, ad, cn, ce, cd, ...body] = meta.stdout.split('\0');
    const message = body.join('\0').trim() || `Deploy ${p.sha}`;
    const makeCommit = async (committerDate) => {
        const commit = await git(p.sourceDir, ['commit-tree', tree.stdout.trim(), '-m', message], {
            GIT_AUTHOR_NAME: an,
            GIT_AUTHOR_EMAIL: ae,
            GIT_AUTHOR_DATE: ad,
            GIT_COMMITTER_NAME: cn,
            GIT_COMMITTER_EMAIL: ce,
            GIT_COMMITTER_DATE: committerDate
        });
        if (commit.code !== 0)
            throw new errors/* DeployError */.sH(`Could not make the commit to push: ${firstLine(commit.stderr)}`);
        return commit.stdout.trim();
    };
    const id = await makeCommit(cd);
    const sendTo = async (gitUrl, apiKey, opts) => {
        const auth = Buffer.from(`heroku:${apiKey}`).toString('base64');
        const origin = new URL(gitUrl).origin;
        // One deadline for the push, its second try included.
        const deadline = Date.now() + opts.timeoutMs;
        const log = new PushLog([apiKey, auth], opts.onLine);
        const push = async (id) => {
            const pushed = await runPush(p.sourceDir, ['push', '--force', '--no-verify', '--porcelain', gitUrl, `${id}:refs/heads/main`], {
                GIT_TERMINAL_PROMPT: '0',
                GIT_CONFIG_NOSYSTEM: '1',
                GIT_CONFIG_GLOBAL: '/dev/null',
                GIT_CONFIG_COUNT: '3',
                GIT_CONFIG_KEY_0: `http.${origin}/.extraHeader`,
                GIT_CONFIG_VALUE_0: `Authorization: Basic ${auth}`,
                GIT_CONFIG_KEY_1: 'core.hooksPath',
                GIT_CONFIG_VALUE_1: '/dev/null',
                // Without the user's git config, a workspace owned by another user (container jobs)
                // needs what `git config --global --add safe.directory` gives the commands before.
                GIT_CONFIG_KEY_2: 'safe.directory',
                GIT_CONFIG_VALUE_2: '*'
            }, log, Math.max(0, deadline - Date.now()), opts.killGraceMs ?? KILL_GRACE_MS);
            if (pushed.timedOut) {
                throw new GitPushError(`git push to the app's git_url had not ended after ${Math.round(opts.timeoutMs / 1000)} s; git was stopped.`, id, log.tail(), true);
            }
            if (pushed.code !== 0) {
                const last = lastLines(log.tail(), 5) || (0,errors/* scrubSecrets */.Zg)(pushed.error ?? '', [apiKey, auth]);
                throw new GitPushError(`git push to the app's git_url failed: ${last || `git exited ${pushed.code ?? pushed.signal}`}`, id, log.tail(), false);
            }
            // --porcelain: one line per ref, `=` when it was up to date (nothing sent, no build).
            return { upToDate: /^=\t/m.test(pushed.stdout) };
        };
        if (!(await push(id)).upToDate)
            return { commit: id, tail: log.tail() };
        const again = await makeCommit(new Date().toISOString());
        await push(again);
        return { commit: again, tail: log.tail() };
    };
    // What the push leaves out: changes not committed (a build step's output, an edited file).
    const status = await git(p.sourceDir, [
        'status',
        '--porcelain',
        '--untracked-files=all',
        '--',
        '.'
    ]);
    const uncommitted = status.code === 0 ? status.stdout.split('\n').filter((l) => l.trim() !== '').length : 0;
    return { commit: id, uncommitted, push: sendTo };
}
function firstLine(text) {
    return text.trim().split('\n')[0] ?? '';
}
function lastLines(text, n) {
    return text.trim().split('\n').slice(-n).join('\n');
}
/**
 * Runs `git push`, its stderr (progress, `remote:` lines: the build's log) going to `log` as it
 * comes. At `timeoutMs` git gets SIGTERM, then SIGKILL `killGraceMs` later; the answer comes
 * once git has ended (its pipes are not waited for past a moment after that: a helper git
 * started may hold them).
 */
function runPush(cwd, args, env, log, timeoutMs, killGraceMs) {
    return new Promise((resolve) => {
        const child = (0,external_node_child_process_.spawn)('git', [...args], {
            cwd,
            env: gitEnv(env),
            stdio: ['ignore', 'pipe', 'pipe']
        });
        let stdout = '';
        let timedOut = false;
        let error;
        let settled = false;
        let exit;
        const timers = [];
        const finish = () => {
            if (settled)
                return;
            settled = true;
            for (const t of timers)
                clearTimeout(t);
            child.stdout.destroy();
            child.stderr.destroy();
            log.end();
            resolve({
                code: exit?.code ?? null,
                signal: exit?.signal ?? null,
                stdout,
                timedOut,
                ...(error !== undefined ? { error } : {})
            });
        };
        child.stdout.setEncoding('utf8');
        child.stderr.setEncoding('utf8');
        child.stdout.on('data', (chunk) => {
            if (stdout.length < 1024 * 1024)
                stdout += chunk;
        });
        child.stderr.on('data', (chunk) => log.write(chunk));
        child.on('error', (err) => {
            error = err.message;
            finish();
        });
        child.on('exit', (code, signal) => {
            exit = { code, signal };
            timers.push(setTimeout(finish, 1000));
        });
        child.on('close', finish);
        timers.push(setTimeout(() => {
            if (exit)
                return;
            timedOut = true;
            child.kill('SIGTERM');
            timers.push(setTimeout(() => {
                if (!exit)
                    child.kill('SIGKILL');
            }, killGraceMs));
        }, timeoutMs));
    });
}

// EXTERNAL MODULE: ./src/health/clock.ts
var clock = __webpack_require__(1652);
// EXTERNAL MODULE: ./src/health/marker.ts
var health_marker = __webpack_require__(9662);
// EXTERNAL MODULE: ./src/version.ts
var version = __webpack_require__(311);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
var external_node_https_default = /*#__PURE__*/__webpack_require__.n(external_node_https_);
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
/** The action's User-Agent, marked as a health probe (easy to find in an app's router log). */
const PROBE_USER_AGENT = `${version/* USER_AGENT */._} health-check`;
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
            throw new errors/* InputError */.dz('health-check', `health-check must be a path or an http(s) URL, not ${url.protocol}`);
        }
        return url.toString();
    }
    if (webUrl === undefined || webUrl === '') {
        throw new errors/* InputError */.dz('health-check', `health-check ${target} is a path, but the app has no web_url to join it to; give an absolute URL instead`);
    }
    const path = target.startsWith('/') ? target : `/${target}`;
    return parseUrl(webUrl.replace(/\/+$/, '') + path).toString();
}
function parseUrl(value) {
    try {
        return new URL(value);
    }
    catch {
        throw new errors/* InputError */.dz('health-check', `health-check URL ${redactUrl(value)} is not a valid URL`);
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
        throw new errors/* InputError */.dz('health-check-body', `health-check-body is not a valid regular expression: ${(0,errors/* errorMessage */.gJ)(err)}`);
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
    const now = opts.now ?? clock/* realNow */.p1;
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
        const req = client.request(url, { method: 'GET', agent: false, headers: { 'user-agent': PROBE_USER_AGENT, accept: '*/*' } }, (res) => {
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
    const sleep = opts.sleep ?? clock/* realSleep */.uk;
    const now = opts.now ?? clock/* realNow */.p1;
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
            gap = (0,clock/* withJitter */.jE)(backoff, opts.random);
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

;// CONCATENATED MODULE: ./src/health/dynos.ts
/**
 * The dynos of the release under test: `GET /apps/{app}/dynos` read and judged (every web dyno,
 * or every dyno of the formation, on the release and up; a crash or a newer release ends the
 * wait), and the wait for them, which on a booting web app asks the app itself when it answers.
 */


/**
 * One-off and release-phase dynos are not part of the formation a release runs: `heroku run`
 * sessions and the release phase. Heroku Scheduler jobs (`scheduler.N`, Dev Center "Heroku
 * Scheduler") are one-offs too, but `scheduler` is also a common Procfile process name: they
 * are told apart by the formation (see `sortedDynos`), not by this list.
 */
const NOT_FORMATION_TYPES = new Set(['release', 'run']);
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
 * While the release's web dynos boot and a readiness probe can tell when they answer, the probe
 * (a request to the app, not to the Platform API) notices the boot within `READY_PROBE_GAP_MS`,
 * and the dyno listings are only a watch for crashes: they start after `WATCH_FIRST_MS` and
 * double up to `WATCH_MAX_MS`. Heroku's router holds a request while the dynos boot (H20 after
 * 75 s, Dev Center "Heroku Error Codes"), so there a probe returns as the dyno binds.
 */
const READY_PROBE_GAP_MS = 150;
/**
 * The readiness probes go to the app itself (production, for a promotion target), and on a
 * preboot app with a marker the old dynos answer them at once for minutes: quick while a quick
 * boot may end (the first 10 s), then 500 ms apart, then a second (after 30 s).
 */
function readyProbeGapMs(probingForMs) {
    if (probingForMs < 10_000)
        return READY_PROBE_GAP_MS;
    return probingForMs < 30_000 ? 500 : 1000;
}
const WATCH_FIRST_MS = 1500;
const WATCH_MAX_MS = 6000;
/** Once the app answered, the listing that says so is due: look again soon. */
const ANSWERED_POLL_MS = 100;
/**
 * States that count as ready on the new release. `idle` is a sleeping eco dyno: it runs the
 * release and wakes on the first probe, so waiting for `up` would only run into the timeout.
 */
const READY_STATES = new Set(['up', 'idle']);
const MARKER_ADVICE = 'put {commit} or {release} in health-check-body so the gate can tell which release answered';
/**
 * The dynos the gate judges, by name: the web dynos, or (`dynos`) those of the formation. When
 * the formation is known, only the process types it scales up count, so a one-off dyno of a type
 * not in it (a Heroku Scheduler job, an add-on's own scheduler), or of a Procfile type scaled to
 * 0 (`heroku run:detached` and Scheduler jobs may still be named after it), is not taken for part
 * of the release; a Procfile process named `scheduler` scaled up counts.
 */
function sortedDynos(dynos, kind, formation) {
    const types = formation && formation.length > 0
        ? new Set(formation.filter((f) => f.quantity === undefined || f.quantity > 0).map((f) => f.type))
        : null;
    const counts = (d) => kind === 'web'
        ? d.type === 'web'
        : !NOT_FORMATION_TYPES.has(d.type) && (types === null || types.has(d.type));
    return dynos.filter(counts).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}
/** When each listed dyno last changed state (`updated_at`), by name. */
function stateChanges(dynos) {
    return new Map(dynos.map((d) => [d.name, d.updated_at]));
}
/**
 * A dyno whose state changed since `before` was taken: up at both listings, it went down in
 * between (Heroku restarts a crashed dyno at once), which listings seconds apart cannot see.
 */
function bouncedSince(before, dynos) {
    return dynos.find((d) => d.updated_at !== undefined &&
        before.get(d.name) !== undefined &&
        before.get(d.name) !== d.updated_at);
}
/** "web.1 up (v12), web.2 starting (v11)", or "no web dynos". */
function summarizeDynos(dynos, kind = 'web') {
    if (dynos.length === 0)
        return kind === 'web' ? 'no web dynos' : 'no dynos';
    return dynos
        .map((d) => `${d.name} ${d.state}${d.release ? ` (v${d.release.version})` : ''}`)
        .join(', ');
}
function judgeDynos(dynos, releaseVersion, kind, formation) {
    const crashed = dynos.find((d) => d.release?.version === releaseVersion && d.state === 'crashed');
    if (crashed)
        return { state: 'crashed', dyno: crashed };
    const newer = dynos.find((d) => d.release !== undefined && d.release.version > releaseVersion);
    if (newer)
        return { state: 'replaced', dyno: newer, version: newer.release?.version ?? 0 };
    const allReady = dynos.length > 0 &&
        dynos.every((d) => d.release?.version === releaseVersion && READY_STATES.has(d.state));
    // Every type the formation scales must be there in full (dynos appear one by one).
    const complete = kind === 'web' ||
        (formation ?? [])
            .filter((f) => f.quantity > 0 && !NOT_FORMATION_TYPES.has(f.type))
            .every((f) => dynos.filter((d) => d.type === f.type).length >= f.quantity);
    return allReady && complete ? { state: 'ready' } : { state: 'waiting' };
}
function dynoNoun(kind) {
    return kind === 'web' ? 'web dyno' : 'dyno';
}
function replacedMessage(dyno, version, releaseVersion) {
    return `${dyno.type === 'web' ? 'web dyno' : 'dyno'} ${dyno.name} runs v${version}, a newer release than v${releaseVersion}: the release under test was replaced (another deploy?) before the gate could verify it; ${MARKER_ADVICE}`;
}
/**
 * Resolves when every web dyno (or, with `kind: 'dynos'`, every dyno of the formation) runs
 * `releaseVersion` and is up, with that listing (`ready`). Throws DeployError at once when a dyno crashed on that release or
 * (unless `acceptReplaced`) runs a newer one, TimeoutError at the deadline.
 */
async function waitForWebDynos(lister, app, releaseVersion, opts) {
    const sleep = opts.sleep ?? clock/* realSleep */.uk;
    const now = opts.now ?? clock/* realNow */.p1;
    const kind = opts.kind ?? 'web';
    const started = now();
    const deadline = started + opts.timeoutMs;
    let pollMs = FIRST_DYNO_POLL_MS;
    let watchMs = WATCH_FIRST_MS;
    let answered = false;
    /** When the readiness probes began (their spacing grows from there). */
    let probingSince;
    let lastSummary;
    for (;;) {
        opts.signal?.throwIfAborted();
        const dynos = sortedDynos(await lister.listDynos(app), kind, opts.formation);
        const summary = summarizeDynos(dynos, kind);
        if (summary !== lastSummary) {
            lastSummary = summary;
            opts.onUpdate?.(summary);
        }
        const verdict = judgeDynos(dynos, releaseVersion, kind, opts.formation);
        if (verdict.state === 'ready')
            return { ready: dynos };
        if (verdict.state === 'crashed') {
            throw new errors/* DeployError */.sH(`${dynoNoun(kind)} ${verdict.dyno.name} crashed on v${releaseVersion}`);
        }
        if (verdict.state === 'replaced') {
            if (opts.acceptReplaced)
                return { replacedBy: verdict.version };
            throw new errors/* DeployError */.sH(replacedMessage(verdict.dyno, verdict.version, releaseVersion));
        }
        const left = deadline - now();
        if (left <= 0) {
            const what = kind === 'web' ? 'the web dynos' : 'the dynos';
            throw new errors/* TimeoutError */.MU(`${what} of ${opts.appName ?? app} to run v${releaseVersion} and be up (last seen: ${summary})`, Math.round(opts.timeoutMs / 1000));
        }
        const cap = now() - started < QUICK_BOOT_WINDOW_MS ? QUICK_BOOT_MAX_POLL_MS : MAX_DYNO_POLL_MS;
        if (opts.answers && !answered && kind === 'web' && allBooting(dynos, releaseVersion)) {
            // The probe notices the boot; the next listing only watches for a crash meanwhile.
            probingSince ??= now();
            answered = await answersWithin(opts.answers, Math.min((0,clock/* withJitter */.jE)(watchMs, opts.random), left), { sleep, now, signal: opts.signal }, probingSince);
            watchMs = Math.min(watchMs * 2, WATCH_MAX_MS);
            if (answered)
                pollMs = ANSWERED_POLL_MS;
            continue;
        }
        await sleep(Math.min((0,clock/* withJitter */.jE)(pollMs, opts.random), left), opts.signal);
        pollMs = Math.min(pollMs * DYNO_POLL_FACTOR, cap);
    }
}
/** Every dyno listed runs the release and none has crashed: only their boot is awaited. */
function allBooting(dynos, releaseVersion) {
    return (dynos.length > 0 &&
        dynos.every((d) => d.release?.version === releaseVersion && d.state !== 'crashed'));
}
/** Asks `answers` until it says yes or `windowMs` is over; every ask fits in the window. */
async function answersWithin(answers, windowMs, t, probingSince) {
    const until = t.now() + windowMs;
    for (;;) {
        t.signal?.throwIfAborted();
        const askedAt = t.now();
        const left = until - askedAt;
        if (left <= 0)
            return false;
        if (await answers(left))
            return true;
        const wait = readyProbeGapMs(askedAt - probingSince) - (t.now() - askedAt);
        if (t.now() + Math.max(0, wait) >= until)
            return false;
        if (wait > 0)
            await t.sleep(wait, t.signal);
    }
}

;// CONCATENATED MODULE: ./src/health/gate.ts
/**
 * The health gate: proves that the release under test runs and answers. For an app with web
 * dynos: every web dyno runs the new release and is up, then enough consecutive probes pass.
 * For an app without web dynos (workers only): every dyno of the release is up and stays up.
 * Both steps share one deadline (`check.timeoutSeconds`); a preboot wait comes on top of it.
 *
 * On a preboot app Heroku lists the new dynos at once while the router keeps serving the old
 * ones for about 3 minutes, so "dynos up, probes pass" proves nothing by itself. The gate
 * then either needs a release marker in the body pattern (a probe passes only when the release
 * under test answered) or waits `preboot-wait` after the release went live before probing.
 */





/**
 * Which gate fits the formation. An empty formation (an app never deployed) is taken to get
 * the default web process, as Heroku scales `web` to 1 on the first deploy.
 */
function gateKindOf(facts) {
    const scaled = facts.formation.filter((f) => f.quantity > 0 && !NOT_FORMATION_TYPES.has(f.type));
    if (facts.formation.length === 0 || scaled.some((f) => f.type === 'web'))
        return 'web';
    return scaled.length > 0 ? 'dynos' : 'none';
}
/** An absolute http(s) URL (not a path to join to `web_url`)? */
function isAbsoluteHealthUrl(target) {
    return /^[a-z][a-z0-9+.-]*:/i.test(target);
}
/**
 * The input error for a path health check on an app without a web process: there is no
 * `web_url` serving the app to join it to. Checked when the app is resolved, before any change.
 */
function checkHealthTargetFits(appName, facts, check, input = 'health-check') {
    if (check.target === undefined || isAbsoluteHealthUrl(check.target))
        return;
    if (gateKindOf(facts) === 'web')
        return;
    throw new errors/* InputError */.dz(input, `Input '${input}': ${check.target} is a path, but ${appName} has no web dynos in its formation, so no web_url serves it: give an absolute http(s) URL of something the app's dynos serve, or leave ${input} empty to check only that its dynos run the release.`);
}
/** During a preboot wait the dynos are still watched for crashes, but rarely. */
const PREBOOT_DYNO_POLL_MS = 10_000;
async function runHealthGate(deps, subject, check, opts = {}) {
    const now = opts.now ?? clock/* realNow */.p1;
    const sleep = opts.sleep ?? clock/* realSleep */.uk;
    let deadline = now() + check.timeoutSeconds * 1000;
    const version = subject.release.version;
    const kind = gateKindOf(subject.facts);
    const identifies = (0,health_marker/* markerIdentifies */.tx)(check.bodyPattern, subject.release.commit, subject.previousCommit);
    // Whether a passing probe proves the release under test answered, not the one before it.
    const marker = identifies.fromBefore;
    // Resolved first: a path with no web_url is a configuration problem, known before any wait.
    checkHealthTargetFits(subject.name, subject.facts, check);
    const url = check.target === undefined ? undefined : resolveHealthUrl(check.target, subject.webUrl);
    const base = {
        checked: url !== undefined,
        passed: false,
        url: url === undefined ? undefined : redactUrl(url),
        probes: [],
        kind,
        preboot: subject.facts.preboot,
        verified: true
    };
    let expectedBody;
    if (check.bodyPattern !== undefined && url !== undefined) {
        const filled = (0,health_marker/* fillMarkers */.R9)(check.bodyPattern, subject.release);
        if ('error' in filled)
            return { ...base, reason: `${filled.error}.` };
        expectedBody = filled.pattern;
        base.expectedBody = expectedBody;
    }
    const fail = (reason) => ({ ...base, reason });
    if ((0,health_marker/* hasReleaseMarker */.Gv)(check.bodyPattern) && !marker && url !== undefined) {
        opts.onNote?.(subject.previousCommit === null
            ? `health-check-body's {commit} cannot tell v${version} of ${subject.name}, live before this run, from the release it replaced, which may have had the same commit (a config change makes a release of the same code); the gate treats it as having no marker. {release} tells the two apart.`
            : `health-check-body's {commit} cannot tell v${version} of ${subject.name} from the release it ran before: both are commit ${subject.release.commit?.slice(0, 7)}, so its dynos answer the same; the gate treats it as having no marker. {release} tells the two apart.`);
    }
    /**
     * A newer release replaced the one under test: did the probes' marker prove this one
     * answered? `{release}` does; `{commit}` only when the newer release has another commit.
     */
    const provenBefore = async (newer) => {
        if (identifies.fromNewer)
            return true;
        if (!marker || !deps.commitOf)
            return false;
        const theirs = await deps.commitOf(subject.app, newer);
        return theirs !== undefined && theirs !== subject.release.commit;
    };
    const unprovenReplaced = (newer) => `v${newer} replaced v${version} on ${subject.name} (another deploy?) before the gate could verify it, and {commit} cannot show which of the two answered: v${newer} has the same commit or none known. {release} in health-check-body tells releases apart.`;
    // 1. The dynos run the release.
    let replacedBy;
    if (kind !== 'none') {
        try {
            const waited = await waitForWebDynos(deps.dynos, subject.app, version, {
                timeoutMs: check.timeoutSeconds * 1000,
                sleep: opts.sleep,
                now,
                onUpdate: opts.onDynos,
                signal: opts.signal,
                random: opts.random,
                kind,
                formation: subject.facts.formation,
                acceptReplaced: marker && url !== undefined,
                appName: subject.name,
                answers: url !== undefined && (!subject.facts.preboot || marker)
                    ? readinessProbe(url, expectedBody, check, opts)
                    : undefined
            });
            replacedBy = waited.replacedBy;
            if (replacedBy !== undefined && !(await provenBefore(replacedBy))) {
                return fail(unprovenReplaced(replacedBy));
            }
            if (kind === 'dynos' && replacedBy === undefined) {
                const reason = await watchDynosStayUp(deps.dynos, subject, check, deadline, opts, waited.ready ?? []);
                if (reason)
                    return fail(reason);
            }
        }
        catch (err) {
            if (err instanceof errors/* DeployError */.sH || err instanceof errors/* TimeoutError */.MU)
                return fail(`${err.message}.`);
            throw err;
        }
    }
    else {
        const unverified = url === undefined
            ? ''
            : `, and whatever answers the health check is not v${version}: its health is not verified`;
        opts.onNote?.(`${subject.name} has no dynos scaled up in its formation: no dyno runs v${version}, so there is nothing to wait for${unverified}.`);
        // An absolute URL still answers (another app, a CDN), but not from this release.
        if (url !== undefined)
            base.verified = false;
    }
    if (url === undefined)
        return { ...base, checked: false, passed: true };
    // 2. On a preboot app without a marker, the old dynos answer for a while: wait them out.
    if (kind === 'web' && subject.facts.preboot) {
        if (marker) {
            if (check.timeoutSeconds < check.prebootWaitSeconds) {
                opts.onNote?.(`${subject.name} has preboot on: Heroku keeps routing to the previous release for about 3 minutes after a deploy and the marked probes fail until then, but health-check-timeout (${check.timeoutSeconds} s) is shorter than preboot-wait (${check.prebootWaitSeconds} s): raise health-check-timeout.`, true);
            }
        }
        else if (check.prebootWaitSeconds > 0) {
            const until = subject.liveSince + check.prebootWaitSeconds * 1000;
            const waitMs = Math.max(0, until - now());
            opts.onNote?.(`${subject.name} has preboot on: Heroku keeps routing to the previous release's dynos for about 3 minutes after a deploy, so probes count only from ${check.prebootWaitSeconds} s after v${version} went live (${Math.round(waitMs / 1000)} s from now). A release marker ({commit} or {release} in health-check-body) makes this wait unnecessary.`);
            base.prebootWaitMs = waitMs;
            if (waitMs > 0) {
                let crash;
                const wait = async () => {
                    crash = await watchPrebootWait(deps.dynos, subject, until, opts, sleep, now);
                    if (crash)
                        throw new errors/* DeployError */.sH(crash);
                };
                try {
                    await (opts.prebootPhase ? opts.prebootPhase(wait) : wait());
                }
                catch (err) {
                    if (crash !== undefined)
                        return fail(`${crash}.`);
                    throw err;
                }
                // health-check-timeout is for the dynos and the probes, not for the preboot wait.
                deadline += waitMs;
            }
        }
        else {
            base.verified = false;
            opts.onNote?.(`${subject.name} has preboot on and preboot-wait is 0: the probes may reach the previous release's dynos, so its health is not verified. ${MARKER_ADVICE[0].toUpperCase()}${MARKER_ADVICE.slice(1)}.`);
        }
    }
    // 3. The probes.
    const probed = await probeUntilHealthy(url, { ...check, bodyPattern: expectedBody }, {
        sleep: opts.sleep,
        now,
        probeTimeoutMs: opts.probeTimeoutMs,
        onProbe: opts.onProbe,
        signal: opts.signal,
        deadline,
        random: opts.random,
        probe: opts.probe
    });
    // The probes set checked, passed, url, probes and reason; the gate's own fields stay.
    const result = { ...base, ...probed };
    if (!probed.passed)
        return result;
    // 4. The probes can pass on the dynos that stay up while another one crashes meanwhile (a
    // crash loop): the dynos must still all run the release and be up once the probes passed.
    if (kind === 'none')
        return result;
    const dynos = sortedDynos(await deps.dynos.listDynos(subject.app), kind, subject.facts.formation);
    const verdict = judgeDynos(dynos, version, kind, subject.facts.formation);
    if (verdict.state === 'ready')
        return result;
    const summary = summarizeDynos(dynos, kind);
    opts.onDynos?.(summary);
    if (verdict.state === 'replaced') {
        if (await provenBefore(verdict.version)) {
            // The marker proved the probes came from this release: it was verified, then replaced.
            opts.onNote?.(`v${verdict.version} has replaced v${version} on ${subject.name} since (another deploy?); the probes proved v${version} answered before that.`);
            return { ...result, replacedBy: verdict.version };
        }
        return {
            ...result,
            passed: false,
            reason: `The probes passed, but then ${(0,health_marker/* hasReleaseMarker */.Gv)(check.bodyPattern) ? unprovenReplaced(verdict.version) : `${replacedMessage(verdict.dyno, verdict.version, version)}.`}`
        };
    }
    // Replaced since the dynos were awaited: a pass, unless a dyno of this release crashed.
    if (replacedBy !== undefined && verdict.state !== 'crashed')
        return { ...result, replacedBy };
    return {
        ...result,
        passed: false,
        reason: `The probes passed, but then not every ${dynoNoun(kind)} was up on v${version} (${summary}).`
    };
}
/**
 * One quiet probe with the gate's criteria (the marker filled in): not recorded, since it only
 * tells when to look at the dynos; the probes that count start once they are all up.
 */
function readinessProbe(url, expectedBody, check, opts) {
    const criteria = compileCriteria({ ...check, bodyPattern: expectedBody });
    const probe = opts.probe ?? probeOnce;
    const limit = opts.probeTimeoutMs ?? defaultProbeTimeoutMs(check.intervalSeconds);
    return async (timeoutMs) => (await probe(url, criteria, {
        timeoutMs: Math.max(1, Math.min(limit, timeoutMs)),
        now: opts.now,
        signal: opts.signal
    })).ok;
}
/**
 * An app without web dynos: its dynos must stay up over `successes` consecutive polls,
 * `health-check-interval` apart. Heroku calls a worker `up` as soon as its process started (no
 * port to bind), so that is weak evidence: polls a second apart would pass a worker that crashes
 * three seconds in (a refused connection, a missing config var). A crash fails at once; a dyno
 * not up resets the count. Returns why it failed.
 */
async function watchDynosStayUp(lister, subject, check, deadline, opts, firstUp) {
    const now = opts.now ?? clock/* realNow */.p1;
    const sleep = opts.sleep ?? clock/* realSleep */.uk;
    const version = subject.release.version;
    const gap = Math.max(1, check.intervalSeconds * 1000);
    // The listing that found them all up counts as the first poll.
    let streak = 1;
    // When each dyno last changed state, as of the previous poll that found it up.
    let changedAt = stateChanges(firstUp);
    while (streak < Math.max(1, check.successes)) {
        if (now() + gap >= deadline) {
            return `the dynos of ${subject.name} did not stay up on v${version} for ${check.successes} polls within health-check-timeout (${check.timeoutSeconds} s).`;
        }
        await sleep(gap, opts.signal);
        const dynos = sortedDynos(await lister.listDynos(subject.app), 'dynos', subject.facts.formation);
        opts.onDynos?.(summarizeDynos(dynos, 'dynos'));
        const verdict = judgeDynos(dynos, version, 'dynos', subject.facts.formation);
        if (verdict.state === 'crashed')
            return `dyno ${verdict.dyno.name} crashed on v${version}.`;
        if (verdict.state === 'replaced')
            return `${replacedMessage(verdict.dyno, verdict.version, version)}.`;
        // Up now, but its state changed since the last poll found it up: it went down (a crash
        // Heroku restarted at once) in between, which a listing every few seconds cannot see.
        const bounced = bouncedSince(changedAt, dynos);
        if (verdict.state === 'ready' && bounced) {
            return `dyno ${bounced.name} did not stay up on v${version}: its state changed at ${bounced.updated_at} since it was last seen up (it crashed and Heroku restarted it).`;
        }
        streak = verdict.state === 'ready' ? streak + 1 : 0;
        changedAt = stateChanges(verdict.state === 'ready' ? dynos : []);
    }
    return undefined;
}
/**
 * Sits out the preboot window, watching the new dynos now and then: a crash on the release
 * under test, or a newer release, ends the wait with the reason (no marker to rescue it).
 */
async function watchPrebootWait(lister, subject, until, opts, sleep, now) {
    const version = subject.release.version;
    for (;;) {
        const left = until - now();
        if (left <= 0)
            return undefined;
        await sleep(Math.min(PREBOOT_DYNO_POLL_MS, left), opts.signal);
        if (until - now() <= 0)
            return undefined;
        const dynos = sortedDynos(await lister.listDynos(subject.app), 'web');
        const verdict = judgeDynos(dynos, version, 'web', undefined);
        if (verdict.state === 'crashed') {
            opts.onDynos?.(summarizeDynos(dynos));
            return `web dyno ${verdict.dyno.name} crashed on v${version}`;
        }
        if (verdict.state === 'replaced') {
            opts.onDynos?.(summarizeDynos(dynos));
            return replacedMessage(verdict.dyno, verdict.version, version);
        }
    }
}

;// CONCATENATED MODULE: ./src/commands/apps.ts
/**
 * The apps a command acts on: resolved from the inputs and the pipeline, with what the health
 * gate must know of them (preboot, formation), read before anything changes.
 */



function appKind(app) {
    if (app.generation?.name === 'fir')
        return 'fir';
    if (app.stack?.name === 'container' || app.build_stack?.name === 'container')
        return 'container';
    return 'slug';
}
function resolvedApp(app, stage, facts) {
    return {
        id: app.id,
        name: app.name,
        webUrl: app.web_url ?? undefined,
        gitUrl: app.git_url ?? undefined,
        stage,
        facts,
        kind: appKind(app),
        stack: app.stack?.name
    };
}
/** How an app's kind reads in the log and messages. */
function describeKind(app) {
    if (app.kind === 'fir')
        return 'a Fir-generation app';
    if (app.kind === 'container')
        return 'a container-stack app';
    return `a ${app.stack ?? 'buildpack'} app`;
}
/** What the gate must know of the app: its `preboot` feature and its formation. */
async function readGateFacts(heroku, app) {
    const [preboot, formation] = await Promise.all([
        heroku.prebootEnabled(app),
        heroku.listFormation(app)
    ]);
    return { preboot, formation: formation.map((f) => ({ type: f.type, quantity: f.quantity })) };
}
/**
 * Reads the gate's facts for an app about to be gated and checks `check` fits it (a path
 * health check needs a web process): an input error here comes before any change.
 */
async function resolveGateFacts(heroku, app, check, ref = app.id) {
    const facts = await readGateFacts(heroku, ref);
    checkHealthTargetFits(app.name, facts, check, 'health-check');
    app.facts = facts;
    return app;
}
function newAppResult(app, startedAt) {
    return {
        app: app.name,
        appId: app.id,
        stage: app.stage,
        webUrl: app.webUrl,
        rolledBack: false,
        startedAt
    };
}
/**
 * The app a command acts on: `app` (with its pipeline from its coupling, checked against
 * `pipeline` when both are given), else the single staging app of `pipeline`. `needsPipeline`
 * makes an app outside any pipeline an input error (`why` says what for).
 */
async function resolveAppInput(c, needsPipeline) {
    const { settings, heroku, outcome } = c;
    if (settings.app) {
        const [app, coupling, facts] = await Promise.all([
            heroku.getApp(settings.app),
            heroku.getAppCoupling(settings.app),
            readGateFacts(heroku, settings.app)
        ]);
        checkHealthTargetFits(app.name, facts, settings.health, 'health-check');
        if (coupling) {
            outcome.pipeline = {
                id: coupling.pipeline.id,
                name: coupling.pipeline.name ?? coupling.pipeline.id
            };
            if (settings.pipeline) {
                const wanted = await heroku.getPipeline(settings.pipeline);
                if (wanted.id !== coupling.pipeline.id) {
                    throw new errors/* InputError */.dz('app', `Input app ${app.name} is not in pipeline ${settings.pipeline}.`);
                }
                outcome.pipeline = { id: wanted.id, name: wanted.name };
            }
        }
        else if (settings.pipeline || needsPipeline) {
            throw new errors/* InputError */.dz('app', `Input app ${app.name} is in no pipeline${needsPipeline ? `: ${needsPipeline}` : ''}.`);
        }
        const resolved = resolvedApp(app, stageOf(coupling), facts);
        core.info(`App: ${app.name}${coupling ? ` (${coupling.stage} in ${outcome.pipeline?.name})` : ''}, ${describeKind(resolved)}`);
        return resolved;
    }
    if (!settings.pipeline) {
        throw new errors/* InputError */.dz('app', 'Input app is empty and so is pipeline: set app, or pipeline to use its staging app.');
    }
    const pipeline = await heroku.getPipeline(settings.pipeline);
    outcome.pipeline = { id: pipeline.id, name: pipeline.name };
    const couplings = await heroku.listCouplings(pipeline.id);
    const app = await singleStagingApp(heroku, pipeline, couplings, settings.health);
    core.info(`App: ${app.name} (the staging app of ${pipeline.name})`);
    return app;
}
/** The pipeline's apps of one stage, resolved to names and URLs. */
async function appsOfStage(heroku, couplings, stage, 
/** The health check the apps will be gated with: their gate facts are read beside them. */
check) {
    const wanted = couplings.filter((c) => c.stage === stage);
    return Promise.all(wanted.map(async (c) => {
        const [app, facts] = await Promise.all([
            heroku.getApp(c.app.id),
            check ? readGateFacts(heroku, c.app.id) : undefined
        ]);
        if (facts && check)
            checkHealthTargetFits(app.name, facts, check, 'health-check');
        return resolvedApp(app, stage, facts);
    }));
}
/** The pipeline's single staging app; zero or several is an input error naming them. */
async function singleStagingApp(heroku, pipeline, couplings, check) {
    const staging = await appsOfStage(heroku, couplings, 'staging', check);
    if (staging.length === 1)
        return staging[0];
    const names = staging.map((a) => a.name).join(', ');
    throw new errors/* InputError */.dz('app', staging.length === 0
        ? `Input app is empty and pipeline ${pipeline.name} has no staging app: set app to the app to use.`
        : `Input app is empty and pipeline ${pipeline.name} has ${staging.length} staging apps (${names}): set app to one of them.`);
}
function stageOf(coupling) {
    return coupling?.stage ?? 'unknown';
}

// EXTERNAL MODULE: ./src/heroku/pacer.ts
var pacer = __webpack_require__(5791);
// EXTERNAL MODULE: ./src/heroku/api.ts + 2 modules
var api = __webpack_require__(5549);
// EXTERNAL MODULE: external "node:string_decoder"
var external_node_string_decoder_ = __webpack_require__(6193);
// EXTERNAL MODULE: ./src/heroku/client.ts + 2 modules
var heroku_client = __webpack_require__(5929);
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
    const sleep = opts.sleep ?? clock/* realSleep */.uk;
    /** Waits `ms` before the next attempt; false when the stream was stopped meanwhile. */
    const pause = async (ms) => {
        try {
            await sleep(ms, opts.signal);
        }
        catch (err) {
            if (opts.signal?.aborted)
                return false;
            throw err;
        }
        return !opts.signal?.aborted;
    };
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
            if (!(await pause(retryIntervalMs)))
                return result(false);
        }
        else {
            if (++reconnects > maxReconnects)
                return result(false);
            if (!(await pause(Math.min(retryIntervalMs * 2 ** (reconnects - 1), 10000))))
                return result(false);
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
        const headers = { 'User-Agent': heroku_client/* DEFAULT_USER_AGENT */.q };
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

// EXTERNAL MODULE: ./src/commands/inert-log.ts
var inert_log = __webpack_require__(8781);
;// CONCATENATED MODULE: ./src/commands/releases.ts
/**
 * Releases as commands follow them: what is live, work still pending, a release through its
 * release phase (its output streamed), each wait bounded once by `wait-timeout`.
 */






/**
 * When a release that was already live before this run went live (its last update), for the
 * preboot wait; a release this run just saw go live passes the time it saw that instead.
 */
function wentLiveAt(release, now) {
    const at = Date.parse(release.updated_at ?? release.created_at);
    return Number.isFinite(at) ? Math.min(at, now) : now;
}
/**
 * What a release made from `of`'s code alone (a config-var change) is known to run: the same
 * slug and commit, so nothing is read again.
 */
function sameCodeAs(of, releaseId) {
    return { slugId: of.slugId, commit: of.commit, releaseId };
}
/** Release `version` of `app`, with its commit (and images) as `releaseInfo` reads them. */
async function releaseInfoAt(heroku, app, version) {
    return releaseInfo(heroku, app.id, await heroku.getRelease(app.id, version), undefined, app.kind);
}
/**
 * A release as the outcome records it, with what identifies it and its commit. A slug release
 * (Cedar): its slug and the slug's `commit`. A Fir release (`slug: null`): its OCI image, from
 * `artifacts` (type `oci-image`), and the image's `commit` (`GET /apps/{app}/oci-images/{id}`,
 * as heroku/cli `pipelines/diff.ts` reads `[0].commit`). A container-stack release (`slug:
 * null`, no artifacts): its image IDs, which only the formation shows (`docker_image` with
 * `3.docker-releases`), so they are read for the app's current release only, unless this run
 * released them (`known.images`). `known` saves reads where the run knows the answer already.
 */
async function releaseInfo(heroku, app, release, known, kind) {
    const slugId = release.slug?.id ?? undefined;
    let commit;
    let images;
    const ociImageId = slugId ? undefined : ociImageOf(release);
    const knownCommit = known?.releaseId !== undefined && known.releaseId === release.id
        ? (known.commit ?? undefined)
        : undefined;
    if (slugId && known?.commit && known.slugId === slugId) {
        commit = known.commit;
    }
    else if (slugId) {
        commit = (await heroku.getSlug(app, slugId)).commit ?? undefined;
    }
    else if (ociImageId) {
        commit =
            knownCommit ??
                (known?.ociImageId === ociImageId && known.commit
                    ? known.commit
                    : (await heroku.getOciImage(app, ociImageId))?.commit || undefined);
    }
    else {
        commit = knownCommit;
        if (known?.images)
            images = { ...known.images };
        else if (kind === 'container' && release.current && release.status === 'succeeded') {
            images = formationImages(await heroku.listFormationImages(app));
        }
    }
    const info = {
        id: release.id,
        version: release.version,
        slugId,
        commit,
        status: release.status
    };
    if (release.eligible_for_rollback !== undefined)
        info.eligibleForRollback = release.eligible_for_rollback;
    if (ociImageId)
        info.ociImageId = ociImageId;
    if (images && Object.keys(images).length > 0)
        info.images = images;
    return info;
}
function releaseIdentity(r) {
    if (r?.slugId)
        return { kind: 'slug', id: r.slugId };
    if (r?.ociImageId)
        return { kind: 'oci-image', id: r.ociImageId };
    if (r?.images && Object.keys(r.images).length > 0)
        return { kind: 'images', images: r.images };
    return undefined;
}
/** Whether `actual` carries what `expected` carries; false when either is unknown. */
function sameIdentity(actual, expected) {
    const want = releaseIdentity(expected);
    const got = releaseIdentity(actual);
    if (!want || !got || want.kind !== got.kind)
        return false;
    if (want.kind === 'images' && got.kind === 'images') {
        // The formation lists no `release` image: compare the process types both name.
        const types = Object.keys(want.images).filter((t) => t !== 'release');
        return types.length > 0 && types.every((t) => got.images[t] === want.images[t]);
    }
    return want.id === got.id;
}
/** The identity in words, for messages: `slug …`, `OCI image …`, `images web=…`. */
function describeIdentity(r) {
    const id = releaseIdentity(r);
    if (!id)
        return 'no slug or image';
    if (id.kind === 'slug')
        return `slug ${id.id}`;
    if (id.kind === 'oci-image')
        return `OCI image ${id.id}`;
    return `images ${Object.entries(id.images)
        .map(([t, d]) => `${t}=${d.replace(/^sha256:/, '').slice(0, 12)}`)
        .join(', ')}`;
}
/** Whether a release (as the API lists it) carries the identity of `expected`. */
function releaseCarries(release, expected) {
    const want = releaseIdentity(expected);
    if (want?.kind === 'slug')
        return release.slug?.id === want.id;
    if (want?.kind === 'oci-image')
        return ociImageOf(release) === want.id;
    return false;
}
/** A Fir release's OCI image: its `artifacts` entry of type `oci-image` (Terraform matches that type). */
function ociImageOf(release) {
    return release.artifacts?.find((a) => a.type === 'oci-image')?.id;
}
/** `{type: docker_image}` of a formation read with `3.docker-releases` (types with an image). */
function formationImages(formation) {
    const out = {};
    for (const f of formation)
        if (f.docker_image)
            out[f.type] = f.docker_image;
    return out;
}
function waitBudget(c) {
    const timeoutMs = c.settings.waitTimeoutSeconds * 1000;
    const { now, sleep } = c.clock;
    return { timeoutMs, deadline: now() + timeoutMs, limitInput: 'wait-timeout', now, sleep };
}
/**
 * Streams a build's output (when it has a stream), then reads its status until it is no longer
 * pending: at once when the log has ended, as the build ends with it, then often while the
 * status catches up. Returns the final build and the log's tail.
 */
async function streamBuildToEnd(c, app, buildId, streamUrl, opts) {
    const { budget } = opts;
    let tail = '';
    let streamEnded = false;
    if (streamUrl) {
        const streamed = await streamOutput(streamUrl, {
            onText: lineWriter(),
            timeoutMs: budgetLeftMs(budget),
            ...(opts.notFoundRetryMs !== undefined ? { notFoundRetryMs: opts.notFoundRetryMs } : {}),
            now: budget.now,
            sleep: budget.sleep,
            answerTimeoutMs: c.heroku.requestTimeoutMs
        });
        tail = streamed.tail;
        streamEnded = streamed.completed;
    }
    const build = await (0,wait/* waitUntil */.a0)(() => c.heroku.getBuild(app.id, buildId), (b) => b.status !== 'pending', {
        what: `build ${buildId} on ${app.name}`,
        ...budget,
        minIntervalMs: streamEnded ? wait/* DUE_INTERVAL_MS */.Sg : undefined,
        maxIntervalMs: 3000
    });
    return { build, tail };
}
/** What is left of a budget, for a wait that takes a duration (a log stream). */
function budgetLeftMs(budget) {
    return Math.max(0, budget.deadline - budget.now());
}
/**
 * Waits (bounded) for builds and releases still pending on the app, saying so: one deploy at a
 * time per app, and "what was live before" is taken only after them. Returns the newest releases
 * when nothing was pending (still current, so `recordLive` need not list them again), else
 * undefined.
 */
async function waitForPendingWork(c, app) {
    // One budget for all of it: two pending releases do not get wait-timeout each.
    const budget = waitBudget(c);
    const [builds, releases] = await Promise.all([
        c.heroku.listBuilds(app.id, 5),
        c.heroku.listReleases(app.id, api/* CURRENT_RELEASE_WINDOW */.XJ)
    ]);
    const { pendingBuilds, pendingReleases, stuck } = sortPendingWork(builds, releases, c.clock.now());
    for (const note of stuck)
        core.warning(`${app.name}: ${note}`);
    for (const build of pendingBuilds) {
        core.info(`Build ${build.id} is still running on ${app.name}: waiting for it before deploying.`);
        const done = await (0,wait/* waitUntil */.a0)(() => c.heroku.getBuild(app.id, build.id), (b) => b.status !== 'pending', { what: `the running build ${build.id} on ${app.name}`, ...budget, maxIntervalMs: 5000 });
        core.info(`That build ended ${done.status}.`);
        if (done.release?.id)
            await waitForReleaseEnd(c, app, done.release.id, false, undefined, budget);
    }
    for (const release of pendingReleases) {
        core.info(`Release v${release.version} is still pending on ${app.name}: waiting for it.`);
        await waitForReleaseEnd(c, app, release.id, false, undefined, budget);
    }
    return pendingBuilds.length === 0 && pendingReleases.length === 0 ? releases : undefined;
}
/**
 * Heroku ends a release phase after an hour (Dev Center "Release Phase"); work pending longer,
 * or older than the current release, has been left stuck by Heroku (heroku-apps#192, cli#1272)
 * and will never finish: waiting for it would fail every run on the app.
 */
const STUCK_PENDING_MS = 60 * 60 * 1000;
/** Which pending builds and releases are worth waiting for, and a sentence for each stuck one. */
function sortPendingWork(builds, releases, now) {
    const current = (0,api/* pickCurrentRelease */.SP)(releases);
    const currentAt = current ? Date.parse(current.created_at) : -Infinity;
    const age = (at) => now - Date.parse(at);
    const since = (at) => `pending since ${new Date(Date.parse(at)).toISOString()}`;
    const stuck = [];
    const pendingReleases = releases.filter((r) => {
        if (r.status !== 'pending')
            return false;
        const older = current !== undefined && r.version < current.version;
        if (!older && age(r.created_at) < STUCK_PENDING_MS)
            return true;
        stuck.push(`release v${r.version} has been ${since(r.created_at)} (${older ? `older than the current v${current?.version}` : 'over an hour, longer than Heroku allows a release phase'}): Heroku left it stuck; not waiting for it.`);
        return false;
    });
    const pendingBuilds = builds.filter((b) => {
        if (b.status !== 'pending')
            return false;
        const older = Date.parse(b.created_at) < currentAt;
        if (!older && age(b.created_at) < STUCK_PENDING_MS)
            return true;
        stuck.push(`build ${b.id} has been ${since(b.created_at)} (${older ? `older than the current v${current?.version}` : 'over an hour'}): Heroku left it stuck; not waiting for it.`);
        return false;
    });
    return { pendingBuilds, pendingReleases, stuck };
}
/**
 * What is live on the app now (its current release), or undefined for an app never released.
 * `newest`: the app's newest releases as just listed (from `waitForPendingWork`), if at hand.
 */
async function recordLive(heroku, app, newest) {
    const current = newest ? (0,api/* pickCurrentRelease */.SP)(newest) : await heroku.currentRelease(app.id);
    return current ? releaseInfo(heroku, app.id, current, undefined, app.kind) : undefined;
}
/**
 * Follows a release until it leaves `pending`, streaming its release-phase output (prefixed by
 * the app when several apps run at once). Returns the final release and the output's tail.
 */
async function waitForReleaseEnd(c, app, releaseId, stream, prefix, budget = waitBudget(c)) {
    // The first look is a poll too: an API incident right now is looked past like a later one.
    const first = await (0,wait/* waitUntil */.a0)(() => c.heroku.getRelease(app.id, releaseId), () => true, { what: `release ${releaseId} on ${app.name}`, ...budget });
    if (first.status !== 'pending') {
        // Already over (a quick release phase, or a slow first poll): the stream still serves the
        // whole output to a late reader, so it is shown all the same.
        if (stream && first.output_stream_url) {
            const write = lineWriter(prefix);
            const done = await streamOutput(first.output_stream_url, {
                onText: write,
                timeoutMs: 30000,
                now: budget.now,
                sleep: budget.sleep,
                answerTimeoutMs: c.heroku.requestTimeoutMs
            });
            write.flush();
            return { release: first, tail: done.tail };
        }
        return { release: first, tail: '' };
    }
    const controller = new AbortController();
    const write = lineWriter(prefix);
    const streaming = stream && first.output_stream_url
        ? streamOutput(first.output_stream_url, {
            onText: write,
            signal: controller.signal,
            timeoutMs: budgetLeftMs(budget),
            // Heroku answers 404 ('Channel is not registered') until the release dyno starts: try
            // again for as long as the release is pending (the status poll ends the stream).
            notFoundRetryMs: budgetLeftMs(budget),
            now: budget.now,
            sleep: budget.sleep,
            answerTimeoutMs: c.heroku.requestTimeoutMs
        }).then((result) => {
            // However the stream ends (closed, aborted, timed out), its last line is shown.
            write.flush();
            return result;
        })
        : Promise.resolve({ tail: '', completed: false });
    try {
        const release = await (0,wait/* waitUntil */.a0)(() => c.heroku.getRelease(app.id, releaseId), (r) => r.status !== 'pending', {
            what: `release v${first.version} on ${app.name} (release phase)`,
            ...budget,
            // The release phase's log ends as it does: look then, not at the next interval.
            due: streaming.then((s) => (s.completed ? undefined : NEVER)),
            maxIntervalMs: 3000
        });
        // The stream closes when the release phase ends; give it a moment to deliver the last lines.
        const settled = await (0,wait/* settledWithin */.X$)(streaming, 2000);
        controller.abort();
        // Aborted, the stream still answers with the lines it has (at once, or after a retry's
        // sleep): that tail is the release phase's log a failure report needs.
        const result = settled ?? (await (0,wait/* settledWithin */.X$)(streaming, 2000));
        return { release, tail: result?.tail ?? '' };
    }
    catch (err) {
        controller.abort();
        if (err instanceof errors/* TimeoutError */.MU) {
            // Heroku goes on with a release phase for up to an hour: not a failure we can claim.
            throw new errors/* DeployError */.sH(`Release v${first.version} on ${app.name} is still pending after wait-timeout (${err.seconds} s): its release phase has not ended, and Heroku may still release it; it has not failed. Raise wait-timeout for longer release phases (Heroku allows one an hour).`);
        }
        throw err;
    }
}
/** A promise that never settles: a `due` that never comes. */
const NEVER = new Promise(() => { });
/** Writes streamed text to the log, optionally prefixing every line (parallel targets). */
function lineWriter(prefix) {
    // Output from the build or release: no line of it may act as a workflow command.
    const inert = (0,inert_log/* inertCommands */.rn)();
    if (!prefix)
        return Object.assign((text) => void process.stdout.write(inert(text)), {
            flush: () => { }
        });
    let pending = '';
    const write = (text) => {
        pending += inert(text);
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines)
            process.stdout.write(`[${prefix}] ${line}\n`);
    };
    // A prefixed line is written only whole: an output without a final newline keeps its last
    // line here until the stream ends.
    const flush = () => {
        if (pending)
            process.stdout.write(`[${prefix}] ${pending}\n`);
        pending = '';
    };
    return Object.assign(write, { flush });
}

;// CONCATENATED MODULE: ./src/commands/timeline.ts
/** The run's timeline as commands write it: named phases, and the deployments they start. */


/** Runs `fn` as a named phase of the outcome's timeline (the events hear of it as it begins). */
async function phase(c, name, detail, fn, 
/** For phases that end with a verdict instead of throwing (the health gate). */
succeeded = () => true) {
    const entry = { name, detail, startedAt: c.clock.now() };
    c.outcome.phases.push(entry);
    c.events.phaseStarted(c.outcome);
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
        entry.endedAt = c.clock.now();
    }
}
/** Like `phase`, inside one collapsed log group (not for work that runs in parallel). */
function groupedPhase(c, name, title, detail, fn) {
    return core.group(title, () => phase(c, name, detail, fn));
}
/** Records the app's GitHub Deployment and tells the events (the reporter) that work on it began. */
function startDeployment(c, result, environment, transient, production, known = {}) {
    result.deployment = {
        environment,
        transient,
        production,
        ...(known.prNumber !== undefined ? { prNumber: known.prNumber } : {}),
        ...(known.commit ? { commit: known.commit } : {})
    };
    return c.events.deploymentStarted(result);
}
/**
 * The run does nothing, on purpose: a notice in the log, `note` (default: the notice) in the
 * summary, and the status `skipped`. The caller returns right after.
 */
function skipRun(c, notice, note = notice) {
    core.notice(notice);
    addNote(c.outcome, note);
    c.outcome.status = 'skipped';
}

;// CONCATENATED MODULE: ./src/commands/health-gate.ts
/**
 * The health gate as commands run it: on one release of one app, as a phase of the timeline,
 * with the app's facts; and the precise rollback after a failed gate, gated again.
 */









/** The health gate as a phase of the timeline, in its own log group (failed gate = failed phase). */
function gatePhase(c, app, result, release, title = `Health gate on ${app.name} v${release.version}`, liveSince) {
    return phase(c, 'health', app.name, () => core.group(title, () => gate(c, app, result, release, c.settings.health, undefined, liveSince)), (h) => h.passed);
}
/**
 * The health gate for one app on one release, recording probes into the app's result.
 * `liveSince`: when the release went live (default: now, right after it did).
 */
async function gate(c, app, result, release, check, prefix, liveSince = c.clock.now()) {
    const say = (msg) => core.info(prefix ? `[${prefix}] ${msg}` : msg);
    // The release the app ran before this one, whose dynos may still answer. When the release
    // under test was already live, the one it replaced is not known here ('unknown').
    const before = result.before?.id === release.id ? 'unknown' : (result.before ?? undefined);
    const health = await gateRelease(c, app, release, before, check, liveSince, say, {
        onDynos: (summary) => say(`dynos: ${summary}`),
        onProbe: (p) => say(`probe: ${p.status ?? 'no answer'} in ${p.latencyMs} ms${p.ok ? ' (pass)' : ''}${p.error ? ` (${p.error})` : ''}`),
        prebootPhase: (wait) => phase(c, 'preboot-wait', app.name, wait)
    });
    result.health = health;
    if (!health.checked) {
        say(health.kind === 'dynos'
            ? 'No health-check URL: the dynos of the release were checked (up, and staying up).'
            : health.kind === 'none'
                ? 'No health-check URL and no dynos scaled up: nothing was checked.'
                : 'No health-check configured: only the web dynos were checked.');
    }
    return health;
}
/**
 * Runs the gate on `release` of `app` with the facts the app was resolved with (read now for an
 * app that had none, or whose formation was still empty before its first deploy), and notes in
 * the outcome what a preboot app without a release marker costs.
 */
async function gateRelease(c, app, release, previous, check, liveSince, say, opts) {
    const facts = app.facts && app.facts.formation.length > 0 ? app.facts : await readGateFacts(c.heroku, app.id);
    app.facts = facts;
    const previousCommit = previous === 'unknown' ? null : previous?.commit;
    const health = await runHealthGate(
    // The gate's dyno listings are polls: they share the run's request budget.
    {
        dynos: { listDynos: (id) => (0,pacer/* asPoll */.Et)(() => c.heroku.listDynos(id)) },
        commitOf: async (_id, version) => (await releaseInfoAt(c.heroku, app, version)).commit
    }, {
        app: app.id,
        name: app.name,
        release: { version: release.version, commit: release.commit },
        previousCommit,
        webUrl: app.webUrl,
        facts,
        liveSince
    }, check, {
        now: c.clock.now,
        sleep: c.clock.sleep,
        probe: c.probe,
        ...opts,
        onNote: (text, warning) => {
            if (!warning)
                return say(text);
            // A misconfiguration: warned once per app (a re-gate after a rollback says it again).
            if (addNote(c.outcome, text))
                core.warning(text);
        }
    });
    if (health.checked &&
        health.preboot &&
        health.kind === 'web' &&
        !(0,health_marker/* markerIdentifies */.tx)(check.bodyPattern, release.commit, previousCommit).fromBefore &&
        // A release live for longer than preboot-wait needed no wait: nothing to say.
        (health.verified === false || (health.prebootWaitMs ?? 0) > 0)) {
        addNote(c.outcome, `${app.name} has preboot on: ${health.verified === false ? 'with preboot-wait 0 its health is not verified (the probes may have reached the previous release)' : `the gate waited preboot-wait (${check.prebootWaitSeconds} s) before counting probes`}. Run \`heroku labs:enable runtime-dyno-metadata\`, answer the health check with HEROKU_SLUG_COMMIT or HEROKU_RELEASE_VERSION, and put {commit} or {release} in health-check-body: then the gate needs no wait and proves which release answered.`);
    }
    return health;
}
/**
 * Rolls the app back to exactly `to` (the release live before this run changed the app; for a
 * later wave, when that wave began), waits for it and gates it again. Records the result; never
 * throws for a failed re-gate (the caller already fails).
 */
async function rollbackTo(c, app, result, to, check, prefix) {
    const say = (msg) => core.info(prefix ? `[${prefix}] ${msg}` : msg);
    // `rollback-all` also rolls back apps whose release passed: say which kind stays live.
    const left = `v${result.release?.version ?? '?'} (which ${result.health?.passed ? 'passed its gate' : 'failed'}) is still live`;
    // Only this run's own release is rolled back: when another deploy or promotion has released
    // on top of it meanwhile, a rollback would undo that one instead.
    const current = await c.heroku.currentRelease(app.id);
    if (current && result.release && current.id !== result.release.id) {
        result.liveAfter = await releaseInfo(c.heroku, app.id, current, undefined, app.kind);
        const why = `${app.name} was not rolled back: v${current.version} has replaced this run's v${result.release.version} meanwhile (another deploy or promotion?), and a rollback would undo it.`;
        say(why);
        addNote(c.outcome, why);
        return;
    }
    if (to.status === 'expired' || to.eligibleForRollback === false) {
        result.liveAfter = result.release;
        const why = `${app.name} was not rolled back: v${to.version}, the release live before this run, ${to.status === 'expired' ? 'has expired' : 'is not eligible for rollback'} on Heroku, so it cannot be restored; ${left}.`;
        say(why);
        addNote(c.outcome, why);
        return;
    }
    say(`Rolling ${app.name} back to v${to.version} (the release live before this run changed it).`);
    await c.events.rollbackStarted(result, to.version);
    // `to.images` (container stack) lets a lost answer be checked rather than the rollback sent twice.
    const created = await c.heroku.rollback(app.id, to.id, to.images);
    result.rolledBack = true;
    result.rolledBackTo = to;
    /** The rollback did not (or not yet) go live: the release that failed its gate still runs. */
    const notRolledBack = async (what, tail = '') => {
        result.rolledBack = false;
        result.rolledBackTo = undefined;
        // Heroku made a release for it: rollback-all must not ask for another one.
        result.rollbackFailed = true;
        result.liveAfter = result.release;
        const why = `${app.name} was not rolled back: ${what}; ${left}.`;
        say(`${why}${tail ? `\n${tail}` : ''}`);
        addNote(c.outcome, why);
        // Saved at once: the rollback saved a moment ago did not happen.
        await c.events.progress(c.outcome);
    };
    let ended;
    try {
        // Saved (at once, synchronously) and shown beside the wait: a cancel while the rollback
        // runs must not report the app as merely live on its old code with no word of the rollback.
        ;
        [, ended] = await Promise.all([
            c.events.progress(c.outcome),
            waitForReleaseEnd(c, app, created.id, true, prefix)
        ]);
    }
    catch (err) {
        // Its end not seen (wait-timeout ran out with the release phase still running): not a
        // rollback we can claim.
        if (!(err instanceof errors/* DeployError */.sH))
            throw err;
        const timedOut = /still pending after wait-timeout/.test(err.message);
        return notRolledBack(`the rollback to v${to.version} made v${created.version}, ` +
            (timedOut
                ? 'whose release phase had not ended when wait-timeout ran out (Heroku may still release it)'
                : `whose end could not be followed (${err.message})`));
    }
    const { release, tail } = ended;
    if (release.status !== 'succeeded') {
        // A release that fails its release phase never goes live: nothing was rolled back.
        return notRolledBack(`the rollback to v${to.version} made v${release.version}, which ended ${release.status}`, tail);
    }
    const info = await releaseInfo(c.heroku, app.id, release, undefined, app.kind);
    result.liveAfter = info;
    const unfillable = (0,health_marker/* unknownCommitProblem */.$i)(check, info.commit, `the restored v${release.version}`, app.kind === 'container');
    if (unfillable) {
        // Not "still unhealthy": the gate cannot tell, so the restored release is reported unchecked.
        const why = `${app.name} was rolled back to v${to.version}, but its health was not checked: health-check-body ${unfillable}.`;
        say(why);
        addNote(c.outcome, why);
        return;
    }
    // The dynos of the release that failed its gate may still answer the re-gate's probes.
    const health = await gateRelease(c, app, info, result.release, check, c.clock.now(), say, {
        onProbe: (p) => say(`re-gate probe: ${p.status ?? 'no answer'}${p.ok ? ' (pass)' : ''}`)
    });
    result.healthyAfterRollback = health.passed;
    say(health.passed
        ? `${app.name} is healthy again on v${release.version} (code of v${to.version}).`
        : `${app.name} is still unhealthy after the rollback: ${health.reason ?? 'gate failed'}`);
}
/** The gate a dry run plans for the app: what it will check and how it knows the release. */
function gatePlan(app, check) {
    const facts = app.facts;
    const kind = facts ? gateKindOf(facts) : 'web';
    const parts = [];
    if (kind === 'dynos')
        parts.push('no web dynos: every dyno of the release must be up and stay up');
    if (kind === 'none')
        parts.push('no dynos scaled up');
    if (check.target && kind === 'web' && facts?.preboot) {
        parts.push((0,health_marker/* hasReleaseMarker */.Gv)(check.bodyPattern)
            ? 'preboot on: the release marker tells the new release from the old'
            : check.prebootWaitSeconds > 0
                ? `preboot on and no release marker: probes count ${check.prebootWaitSeconds} s after the release goes live`
                : 'preboot on, no release marker, preboot-wait 0: health will not be verified');
    }
    const what = check.target ? `probe ${check.target}` : 'the dynos only (no health-check)';
    return `${what}${parts.length ? ` (${parts.join('; ')})` : ''}`;
}
/**
 * After a gate passed by its marker, the app moved on to another release (another deploy,
 * another review-app run): the note says this run vouches for its own release only.
 */
function noteReplaced(c, app, releaseVersion, health, promoting = false) {
    if (health.replacedBy === undefined)
        return;
    c.outcome.notes.push(`${app.name} has moved on to v${health.replacedBy} (another deploy) after v${releaseVersion} passed its gate; v${health.replacedBy} was not verified by this run${promoting ? ' and is not promoted' : ''}.`);
}
/**
 * What is live on the app after its gate passed: the release, or the newer release that has
 * replaced it since (with `noteReplaced`'s note: not verified by this run). Read from Heroku;
 * when that read fails, the note still says what happened.
 */
async function liveAfterGate(c, app, release, health, promoting = false) {
    if (health.replacedBy === undefined)
        return release;
    noteReplaced(c, app, release.version, health, promoting);
    try {
        return await releaseInfoAt(c.heroku, app, health.replacedBy);
    }
    catch (err) {
        core.info(`Could not read v${health.replacedBy} of ${app.name}: ${(0,errors/* errorMessage */.gJ)(err)}`);
        return release;
    }
}
/** One sentence for a failed gate. */
function gateFailure(app, releaseVersion, health) {
    return new errors/* DeployError */.sH(`${app.name} v${releaseVersion} failed its health gate: ${health.reason ?? 'not healthy'}`, probeTail(health));
}
function probeTail(health) {
    const failing = health.probes.filter((p) => !p.ok).slice(-5);
    if (failing.length === 0)
        return undefined;
    return failing
        .map((p) => `${new Date(p.at).toISOString()} ${p.status ?? '-'} ${p.error ?? ''} ${p.bodyExcerpt ?? ''}`.trim())
        .join('\n');
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/package/glob.ts
var glob = __webpack_require__(3128);
;// CONCATENATED MODULE: ./src/package/include.ts




/** How many of a glob's largest files the log line names. */
const LARGEST_SHOWN = 3;
/**
 * Walks `sourceDir` for the files `globs` take. `isListed(rel)`: whether the packager takes the
 * path already (git does not ignore it); the others are returned in `added`.
 */
async function findIncluded(sourceDir, globs, isListed) {
    const compiled = globs.map((text) => (0,glob/* compileGlob */.SO)(text));
    const report = compiled.map((g) => ({
        glob: g.text,
        files: 0,
        bytes: 0,
        added: 0,
        largest: []
    }));
    const added = [];
    const stack = [{ rel: '', states: compiled.map(glob/* startState */.Y1) }];
    while (stack.length > 0) {
        const frame = stack.pop();
        const entries = await readDirectory(sourceDir, frame.rel);
        for (const entry of entries) {
            if (entry.name === '.git')
                continue;
            const states = frame.states.map((state, i) => (0,glob/* stepState */.QP)(compiled[i], state, entry.name));
            if (!states.some((s) => s === 'all' || s.length > 0))
                continue;
            const rel = frame.rel === '' ? entry.name : `${frame.rel}/${entry.name}`;
            const kind = await kindOf(sourceDir, rel, entry);
            if (kind === 'directory') {
                stack.push({ rel, states });
                continue;
            }
            if (kind === undefined)
                continue;
            const matching = states.flatMap((s, i) => (s === 'all' ? [i] : []));
            if (matching.length === 0)
                continue;
            const bytes = kind === 'file' ? await sizeOf(sourceDir, rel) : 0;
            if (bytes === undefined)
                continue;
            const isAdded = !isListed(rel);
            if (isAdded)
                added.push(rel);
            for (const i of matching)
                record(report[i], rel, bytes, isAdded);
        }
    }
    return { added, globs: report };
}
function record(glob, rel, bytes, isAdded) {
    glob.files++;
    glob.bytes += bytes;
    if (isAdded)
        glob.added++;
    const largest = glob.largest;
    if (largest.length < LARGEST_SHOWN || bytes > largest[largest.length - 1].bytes) {
        let at = largest.findIndex((f) => bytes > f.bytes);
        if (at < 0)
            at = largest.length;
        largest.splice(at, 0, { path: rel, bytes });
        if (largest.length > LARGEST_SHOWN)
            largest.pop();
    }
}
/** The directory's entries; none when it vanished meanwhile. */
async function readDirectory(sourceDir, rel) {
    const entries = [];
    try {
        const dir = await (0,promises_.opendir)(rel === '' ? sourceDir : external_node_path_default().join(sourceDir, rel));
        for await (const entry of dir)
            entries.push(entry);
    }
    catch (err) {
        if (err.code === 'ENOENT')
            return [];
        throw new errors/* DeployError */.sH(`include-ignored: cannot read ${rel === '' ? 'source-dir' : showPath(rel)}: ${(0,errors/* errorMessage */.gJ)(err)}`);
    }
    return entries;
}
/** A directory to enter, a file or symlink to package, or something else (sockets, FIFOs…). */
async function kindOf(sourceDir, rel, entry) {
    if (entry.isSymbolicLink())
        return 'symlink';
    if (entry.isDirectory())
        return 'directory';
    if (entry.isFile())
        return 'file';
    if (entry.isBlockDevice() || entry.isCharacterDevice() || entry.isFIFO() || entry.isSocket())
        return undefined;
    // Some file systems do not say what an entry is: ask.
    try {
        const info = await (0,promises_.lstat)(external_node_path_default().join(sourceDir, rel));
        if (info.isSymbolicLink())
            return 'symlink';
        if (info.isDirectory())
            return 'directory';
        if (info.isFile())
            return 'file';
    }
    catch (err) {
        if (err.code !== 'ENOENT')
            throw err;
    }
    return undefined;
}
/** A file's size; undefined when it vanished meanwhile. */
async function sizeOf(sourceDir, rel) {
    try {
        return (await (0,promises_.lstat)(external_node_path_default().join(sourceDir, rel))).size;
    }
    catch (err) {
        if (err.code === 'ENOENT')
            return undefined;
        throw err;
    }
}
/**
 * The log line of one glob that matched: how many files, their size, how many git ignores, its
 * largest files. One line whatever the number of files.
 */
function describeIncluded(g) {
    const count = `${g.files.toLocaleString('en-US')} file${g.files === 1 ? '' : 's'}`;
    const why = g.added === g.files
        ? g.files === 1
            ? 'ignored by git'
            : 'all ignored by git'
        : g.added === 0
            ? 'none ignored by git: packaged anyway'
            : `${g.added.toLocaleString('en-US')} ignored by git`;
    const largest = g.files > 1 && g.largest.length > 0
        ? `; largest: ${g.largest.map((f) => `${showPath(f.path)} ${formatBytes(f.bytes)}`).join(', ')}`
        : g.files === 1 && g.largest.length === 1
            ? `: ${showPath(g.largest[0].path)}`
            : '';
    return `include-ignored ${g.glob}: ${count}, ${formatBytes(g.bytes)} (${why})${largest}`;
}
/** The warning for a glob that matched nothing. */
function noMatchWarning(glob) {
    return `include-ignored: ${glob} matches no file under source-dir, so nothing was added for it. Did the step that makes these files run earlier in this job, in this directory?`;
}
/** `1.5 MiB`, `340 B`: binary units, one decimal from KiB on. */
function formatBytes(bytes) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
/** A path for a log line: control and line-separator characters escaped, never a new line. */
function showPath(rel) {
    return rel.replace(/[\p{C}\p{Zl}\p{Zp}]/gu, (ch) => `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`);
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
;// CONCATENATED MODULE: ./src/package/files.ts
/**
 * Which files go into the source tarball: what `git add -A` would take under `source-dir`
 * (tracked + untracked, not ignored, as they are in the working tree), or, outside a git
 * work tree, every file under it; plus what the `include-ignored` globs take (`include.ts`).
 * Never anything under a `.git`.
 */






/** How many `lstat` calls run at once when checking the listed paths. */
const STAT_CONCURRENCY = 32;
/** The files to package and what each `include-ignored` glob added to them. */
async function listSource(sourceDir, opts = {}) {
    await assertDirectory(sourceDir);
    const listed = await gitListFiles(sourceDir, opts.git ?? 'git');
    const repositories = [];
    const files = listed === undefined
        ? await walkDirectory(sourceDir)
        : (await keepPackable(sourceDir, listed, repositories)).sort(byteOrder);
    repositories.sort(byteOrder);
    const globs = opts.includeIgnored ?? [];
    if (globs.length === 0)
        return { files, included: [], repositories };
    // Outside a git work tree every file is listed already: the globs only report.
    const packaged = listed === undefined ? undefined : new Set(files);
    const found = await findIncluded(sourceDir, globs, (rel) => packaged === undefined || packaged.has(rel));
    return {
        files: found.added.length === 0 ? files : [...files, ...found.added].sort(byteOrder),
        included: found.globs,
        repositories
    };
}
/** Paths relative to `sourceDir`, posix separators, sorted; files and symlinks only. */
async function listSourceFiles(sourceDir, opts = {}) {
    return (await listSource(sourceDir, opts)).files;
}
async function assertDirectory(sourceDir) {
    let isDir;
    try {
        isDir = (await (0,promises_.stat)(sourceDir)).isDirectory();
    }
    catch (err) {
        throw new errors/* InputError */.dz('source-dir', `source-dir ${sourceDir} cannot be read: ${(0,errors/* errorMessage */.gJ)(err)}`);
    }
    if (!isDir)
        throw new errors/* InputError */.dz('source-dir', `source-dir ${sourceDir} is not a directory`);
}
/**
 * `git ls-files` in `sourceDir`; undefined when `sourceDir` is not in a git work tree (or git is
 * missing and no `.git` is in sight). Any other git failure is an error: falling back to a walk
 * would package ignored files (`.env`, `node_modules`) that the user excluded on purpose.
 */
async function gitListFiles(sourceDir, git) {
    const args = ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.'];
    const result = await runGit(git, args, sourceDir);
    if (result.kind === 'ok' && result.notUtf8.length > 0) {
        // Decoded, such a name names no file on disk, and the file would be left out unsaid.
        const shown = result.notUtf8.slice(0, 3).join(', ');
        throw new errors/* DeployError */.sH(`git lists ${result.notUtf8.length} file name(s) in ${sourceDir} that are not UTF-8 (${shown}): the archive cannot name them, and leaving them out would deploy something else than the commit. Rename them (git mv), or deploy with method git.`);
    }
    if (result.kind === 'ok')
        return result.paths;
    if (result.kind === 'missing') {
        const gitDir = findGitAncestor(sourceDir);
        if (gitDir === undefined)
            return undefined;
        throw new errors/* DeployError */.sH(`git is not installed, but ${gitDir} is a git work tree: git is needed to leave out what .gitignore excludes`);
    }
    if (/not a git repository/i.test(result.stderr))
        return undefined;
    const detail = result.stderr.trim().split('\n').slice(0, 3).join(' ');
    throw new errors/* DeployError */.sH(`git ls-files failed in ${sourceDir} (exit ${result.code}): ${detail}`);
}
/** Runs git without a shell and splits its NUL-separated stdout as it arrives. */
function runGit(git, args, cwd) {
    return new Promise((resolve) => {
        const child = (0,external_node_child_process_.spawn)(git, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
        const paths = [];
        const notUtf8 = [];
        const take = (raw) => {
            const name = raw.toString('utf8');
            if (name.includes('\uFFFD') && !Buffer.from(name, 'utf8').equals(raw))
                notUtf8.push(showBytes(raw));
            else
                paths.push(name);
        };
        let pending = Buffer.alloc(0);
        let stderr = '';
        let spawnFailed = false;
        child.stdout.on('data', (chunk) => {
            let buf = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
            let nul = buf.indexOf(0);
            while (nul !== -1) {
                if (nul > 0)
                    take(buf.subarray(0, nul));
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
                take(pending);
            resolve({ kind: 'ok', paths, notUtf8 });
        });
    });
}
/** A file name's bytes as text: printable ASCII as is, every other byte as `\xNN`. */
function showBytes(raw) {
    let out = '';
    for (const byte of raw) {
        out +=
            byte >= 0x20 && byte < 0x7f
                ? String.fromCharCode(byte)
                : `\\x${byte.toString(16).padStart(2, '0')}`;
    }
    return out;
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
/** A path that is not there: deleted, or a directory on its way became a file. */
function isGone(err) {
    const code = err.code;
    return code === 'ENOENT' || code === 'ENOTDIR';
}
/**
 * Drops what cannot go into the archive as a file: paths deleted from the working tree but still
 * in the index, submodules and nested repositories (listed as directories), anything under a
 * `.git`, and a tracked path whose directory a job step replaced with a symlink (`git add -A`
 * stages its deletion and the link: following the link would read files from outside).
 */
async function keepPackable(sourceDir, listed, 
/** Gets the submodules and nested repositories left out. */
repositories) {
    const kept = new Array(listed.length).fill(false);
    const dirs = new Map();
    /** Whether `dir` and every directory above it, up to `sourceDir`, is a real directory. */
    const realDirectory = (dir) => {
        let known = dirs.get(dir);
        if (known === undefined) {
            const parent = external_node_path_default().posix.dirname(dir);
            known = (parent === '.' ? Promise.resolve(true) : realDirectory(parent)).then(async (ok) => {
                if (!ok)
                    return false;
                try {
                    return (await (0,promises_.lstat)(external_node_path_default().join(sourceDir, dir))).isDirectory();
                }
                catch (err) {
                    if (isGone(err))
                        return false;
                    throw err;
                }
            });
            dirs.set(dir, known);
        }
        return known;
    };
    let next = 0;
    const worker = async () => {
        while (next < listed.length) {
            const index = next++;
            const rel = listed[index];
            if (hasGitSegment(rel))
                continue;
            if (rel.endsWith('/')) {
                repositories.push(rel.slice(0, -1));
                continue;
            }
            const parent = external_node_path_default().posix.dirname(rel);
            if (parent !== '.' && !(await realDirectory(parent)))
                continue;
            try {
                const info = await (0,promises_.lstat)(external_node_path_default().join(sourceDir, rel));
                kept[index] = info.isFile() || info.isSymbolicLink();
                // A directory listed as one entry with a `.git` (or empty: not checked out) is a
                // submodule, whose commit is what git records; else a tracked file became a directory.
                if (info.isDirectory() && (await isRepositoryDir(external_node_path_default().join(sourceDir, rel))))
                    repositories.push(rel);
            }
            catch (err) {
                if (!isGone(err))
                    throw err;
            }
        }
    };
    const workers = Array.from({ length: Math.min(STAT_CONCURRENCY, listed.length) }, worker);
    await Promise.all(workers);
    return listed.filter((_, i) => kept[i]);
}
async function isRepositoryDir(dir) {
    try {
        const entries = await (0,promises_.readdir)(dir);
        return entries.length === 0 || entries.includes('.git');
    }
    catch {
        return false;
    }
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
 * Streams the listed files into a gzip tarball on disk, then hashes it, so neither the archive
 * nor the files' contents are ever held in memory.
 */









/**
 * For node:zlib, where there is no system gzip: level 6 is gzip's own default, so throughput
 * stays close to `tar -czf`; the larger chunk size cuts the number of small writes to the file.
 */
const GZIP_OPTIONS = { level: 6, chunkSize: 64 * 1024 };
/** Size of each of the two blocks the archive is assembled in. */
const STAGING_BYTES = 64 * 1024;
const BLOCK = 512;
/**
 * Writes `files` (relative to `sourceDir`, posix separators) into a gzip tarball at `outPath`
 * whose root is `sourceDir`. Symlinks stay symlinks; modes are kept the way `tar --portable`
 * keeps them (owner read/write added, group/other write removed), without owner ids or names,
 * which mean nothing on the build machine.
 *
 * The archive is assembled in two reused blocks (`Staging`): headers are copied in and file
 * contents read straight into them, one file after another, while gzip takes the other block.
 * node-tar's own packer reads several files at once into a new buffer per read, which took
 * ~160 MiB above the process's baseline for a 500 MB tree; with node:zlib this takes ~50 MiB,
 * with the system gzip (the default where there is one) ~2 MiB. Larger blocks took more
 * (~85 MiB at 256 KiB) for no speed. node-tar still encodes the headers (ustar, with a PAX
 * header for long names). `opts.gzip`: the gzip to run, or null for node:zlib; by default the
 * one on PATH.
 */
async function createTarball(sourceDir, files, outPath, opts = {}) {
    if (files.length === 0) {
        throw new errors/* DeployError */.sH(`There is nothing to package in ${sourceDir}: no files were found`);
    }
    // Loaded here, not at start: only packaging needs them.
    const { Header, Pax } = await __webpack_require__.e(/* import() */ 697).then(__webpack_require__.bind(__webpack_require__, 8697));
    const gzipPath = opts.gzip === undefined ? await findSystemGzip() : opts.gzip;
    const compression = gzipPath
        ? await compressWithSystemGzip(gzipPath, outPath)
        : compressWithZlib(outPath);
    const staging = new Staging(compression.input);
    let fileCount = 0;
    const linksOutside = [];
    const root = external_node_path_default().resolve(sourceDir);
    try {
        for (const file of files) {
            const absolute = external_node_path_default().join(sourceDir, file);
            const info = (0,external_node_fs_.lstatSync)(absolute);
            const symlink = info.isSymbolicLink();
            if (!symlink && !info.isFile()) {
                throw new errors/* DeployError */.sH(`Cannot package ${file}: it is neither a file nor a symlink`);
            }
            const linkpath = symlink ? (0,external_node_fs_.readlinkSync)(absolute) : undefined;
            if (linkpath !== undefined) {
                const target = external_node_path_default().resolve(external_node_path_default().dirname(absolute), linkpath);
                if (external_node_path_default().isAbsolute(linkpath) || !(target === root || target.startsWith(root + (external_node_path_default()).sep)))
                    linksOutside.push(`${file} → ${linkpath}`);
            }
            const header = new Header({
                path: file,
                linkpath,
                mode: ((info.mode & 0o7777) | 0o600) & ~0o022,
                size: symlink ? 0 : info.size,
                // A Date of this module's own realm: tar's encoders check `instanceof Date`.
                mtime: new Date(info.mtimeMs),
                type: symlink ? 'SymbolicLink' : 'File'
            });
            if (header.encode()) {
                const pax = new Pax({
                    path: header.path,
                    linkpath: header.linkpath,
                    mtime: header.mtime,
                    size: header.size
                });
                await staging.add(pax.encode());
            }
            if (!header.block)
                throw new Error(`no tar header for ${file}`);
            await staging.add(header.block);
            if (!symlink) {
                await staging.addFile(absolute, file, info.size);
                await staging.pad();
            }
            fileCount++;
        }
        // The end of a tar archive: two empty blocks.
        await staging.zeros(2 * BLOCK);
        await staging.end();
        await compression.finished;
    }
    catch (err) {
        // A write refused because gzip is gone: gzip's exit status says why.
        const gzipGone = isClosedInput(err);
        if (!gzipGone)
            compression.abort();
        const compressionError = await compression.finished.then(() => undefined, (e) => e);
        await (0,promises_.rm)(outPath, { force: true });
        throw gzipGone && compressionError ? compressionError : err;
    }
    const { bytes, checksum } = await hashFile(outPath);
    return { path: outPath, bytes, checksum, fileCount, linksOutside };
}
/**
 * The system's gzip (`gzip -6 -c`, what `tar -czf` runs), in its own process writing straight
 * to the file. node:zlib allocates a new buffer for every output chunk, and that memory only
 * comes back when V8 collects: ~50 MiB more at the peak for a 500 MB tree.
 */
async function compressWithSystemGzip(gzipPath, outPath) {
    const out = await (0,promises_.open)(outPath, 'w', 0o600);
    let compression;
    try {
        compression = spawnGzip(gzipPath, out.fd);
    }
    finally {
        // The child has its own copy of the descriptor once spawn returns.
        await out.close();
    }
    return compression;
}
/** Starts gzip and listens to it at once, before anything else can run: it may exit at once. */
function spawnGzip(gzipPath, outFd) {
    // Only what gzip needs in its environment: not the action's inputs, and no GZIP options.
    // Options every gzip has (GNU, BSD, busybox): from a pipe, none stores a file name.
    const child = (0,external_node_child_process_.spawn)(gzipPath, ['-6', '-c'], {
        stdio: ['pipe', outFd, 'pipe'],
        env: { LC_ALL: 'C' }
    });
    const input = child.stdin;
    // A gzip that died shows as EPIPE here; its exit status says why.
    input.on('error', () => undefined);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text) => {
        if (stderr.length < 2000)
            stderr += text;
    });
    const finished = new Promise((resolve, reject) => {
        child.on('error', (err) => reject(new errors/* DeployError */.sH(`Cannot run ${gzipPath} to compress the source: ${err.message}`)));
        child.on('close', (code, signal) => {
            if (code === 0)
                resolve();
            else
                reject(new errors/* DeployError */.sH(`${gzipPath} failed to compress the source (${signal ?? `exit code ${code}`})` +
                    (stderr.trim() ? `: ${stderr.trim()}` : '')));
        });
    });
    finished.catch(() => undefined);
    return { input, finished, abort: () => child.kill('SIGTERM') };
}
/** node:zlib, where there is no system gzip (Windows runners). */
function compressWithZlib(outPath) {
    const gzip = (0,external_node_zlib_.createGzip)(GZIP_OPTIONS);
    // pipeline waits for the file stream's 'drain', so a slow disk holds the packer back.
    const finished = (0,external_node_stream_promises_.pipeline)(gzip, (0,external_node_fs_.createWriteStream)(outPath, { mode: 0o600 }));
    finished.catch(() => undefined);
    return { input: gzip, finished, abort: () => gzip.destroy() };
}
function isClosedInput(err) {
    const code = err?.code;
    return (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END');
}
/** `gzip` on PATH, as `tar -czf` would find it; none on Windows, where zlib does the work. */
async function findSystemGzip() {
    if (process.platform === 'win32')
        return null;
    for (const dir of (process.env.PATH ?? '').split((external_node_path_default()).delimiter)) {
        if (!external_node_path_default().isAbsolute(dir))
            continue;
        const candidate = external_node_path_default().join(dir, 'gzip');
        try {
            await (0,promises_.access)(candidate, external_node_fs_.constants.X_OK);
            return candidate;
        }
        catch {
            // Not here.
        }
    }
    return null;
}
/** Size and `SHA256:<hex>` of the file, read in 1 MiB steps (~0.5 s for 420 MB). */
async function hashFile(file) {
    const block = Buffer.allocUnsafe(1024 * 1024);
    const hash = (0,external_node_crypto_.createHash)('sha256');
    const handle = await (0,promises_.open)(file, 'r');
    let bytes = 0;
    try {
        for (;;) {
            const { bytesRead } = await handle.read(block, 0, block.length, bytes);
            if (bytesRead === 0)
                break;
            hash.update(block.subarray(0, bytesRead));
            bytes += bytesRead;
        }
    }
    finally {
        await handle.close();
    }
    return { bytes, checksum: `SHA256:${hash.digest('hex')}` };
}
/**
 * The archive's bytes on their way to gzip, assembled in two blocks of `STAGING_BYTES`: one
 * fills while gzip compresses the other, so gzip gets few, large writes and no buffer is
 * allocated per file or per read.
 */
class Staging {
    gzip;
    blocks = [Buffer.allocUnsafe(STAGING_BYTES), Buffer.allocUnsafe(STAGING_BYTES)];
    current = 0;
    filled = 0;
    /** Bytes handed on so far, for the 512-byte padding after a file. */
    offset = 0;
    /** Resolves once gzip has taken the other block: only then may it be filled again. */
    taking = Promise.resolve();
    constructor(gzip) {
        this.gzip = gzip;
    }
    async add(bytes) {
        let from = 0;
        while (from < bytes.length) {
            const n = bytes.copy(this.block, this.filled, from);
            from += n;
            await this.advance(n);
        }
    }
    /** Pads what was handed on to a whole 512-byte block with zeros. */
    async pad() {
        await this.zeros((BLOCK - (this.offset % BLOCK)) % BLOCK);
    }
    async zeros(count) {
        let left = count;
        while (left > 0) {
            const n = Math.min(left, this.block.length - this.filled);
            this.block.fill(0, this.filled, this.filled + n);
            left -= n;
            await this.advance(n);
        }
    }
    /**
     * Reads exactly `size` bytes of the file (what its header says) into the blocks. Synchronous
     * reads, as tar's: on Node 24 a thread-pool round trip per lstat, open, read and close left
     * gzip waiting on trees of many small files (~10% slower than `tar -czf`). The event loop
     * still turns at every full block, while gzip takes it.
     */
    async addFile(absolute, file, size) {
        const fd = (0,external_node_fs_.openSync)(absolute, 'r');
        try {
            let position = 0;
            while (position < size) {
                const room = Math.min(this.block.length - this.filled, size - position);
                const bytesRead = (0,external_node_fs_.readSync)(fd, this.block, this.filled, room, position);
                if (bytesRead === 0) {
                    throw new errors/* DeployError */.sH(`Cannot package ${file}: it got shorter while it was being packaged`);
                }
                position += bytesRead;
                await this.advance(bytesRead);
            }
        }
        finally {
            (0,external_node_fs_.closeSync)(fd);
        }
    }
    /** Hands the last, partly filled block on and ends gzip's input. */
    async end() {
        if (this.filled > 0)
            await this.flush();
        await this.taking;
        this.gzip.end();
    }
    get block() {
        return this.blocks[this.current];
    }
    async advance(n) {
        this.filled += n;
        this.offset += n;
        if (this.filled === this.block.length)
            await this.flush();
    }
    async flush() {
        const chunk = this.block.subarray(0, this.filled);
        // The other block must be taken before it is filled again.
        await this.taking;
        this.taking = new Promise((resolve, reject) => this.gzip.write(chunk, (err) => (err ? reject(err) : resolve())));
        // Awaited by the next flush or `end`; this only keeps a failure after a throw unhandled-free.
        this.taking.catch(() => undefined);
        this.current = 1 - this.current;
        this.filled = 0;
    }
}
/**
 * Lists `sourceDir`'s files (with what `opts.includeIgnored` adds) and packs them into a
 * uniquely named tarball in `tempDir`. `onListed` sees what each glob matched before the
 * archive is written (the log shows it even when packing then fails).
 */
async function packageSource(sourceDir, tempDir, opts = {}) {
    const { files, included, repositories } = await listSource(sourceDir, opts);
    opts.onListed?.(included);
    const outPath = external_node_path_default().join(tempDir, `heroku-source-${(0,external_node_crypto_.randomUUID)()}.tar.gz`);
    const tarball = await createTarball(sourceDir, files, outPath);
    return { ...tarball, included, repositories, cleanup: () => (0,promises_.rm)(outPath, { force: true }) };
}

// EXTERNAL MODULE: ./src/package/temp.ts
var temp = __webpack_require__(7520);
;// CONCATENATED MODULE: ./src/commands/source.ts
/** The source a command builds: packaged into the run's own temporary directory. */







/** The `package` phase of the timeline: `source-dir` packaged, its size and checksum logged. */
function packagePhase(c) {
    return groupedPhase(c, 'package', 'Package the source', c.settings.sourceDir, async () => {
        const [packaged] = await Promise.all([packageInTempDir(c), warnIfOtherCommit(c)]);
        core.info(`${packaged.fileCount} files, ${packaged.bytes} bytes, ${packaged.checksum}`);
        warnOfPaths(c, packaged.linksOutside, 'symlink(s) point outside source-dir', 'the archive holds the links, not their targets, so on Heroku they point at nothing. Copy what they point to into source-dir, or use include-ignored for build output.');
        warnOfPaths(c, packaged.repositories, 'submodule(s) or nested git repositories in source-dir are not packaged', "git add -A records a submodule's commit, not its files, so Heroku builds without them. Copy the files the app needs into the repository.");
        return packaged;
    });
}
/** A warning (and summary note) naming up to five of `paths`: "N <what> (a, b and 3 more): <why>". */
function warnOfPaths(c, paths, what, why) {
    if (paths.length === 0)
        return;
    const more = paths.length > 5 ? ` and ${paths.length - 5} more` : '';
    const warning = `${paths.length} ${what} (${paths.slice(0, 5).join(', ')}${more}): ${why}`;
    core.warning(warning);
    addNote(c.outcome, warning);
}
/**
 * `version` defaults to the workflow's commit (a review app's: the PR's head), and the summary,
 * the deployments and `{commit}` name it; a checkout of another commit (`ref:`, a
 * `pull_request_target` job, whose default checkout is the base branch) builds other code
 * under that name. A `pull_request` job's default checkout is its merge commit
 * (`GITHUB_SHA`): that one is expected.
 */
async function warnIfOtherCommit(c) {
    const { settings, ctx } = c;
    const defaultVersion = settings.version === ctx.sha || settings.version === ctx.pullRequest?.headSha;
    if (!defaultVersion)
        return;
    const head = await headCommit(settings.sourceDir);
    const mergeCommit = ctx.eventName === 'pull_request' && head === ctx.sha;
    if (!head || head === settings.version || mergeCommit)
        return;
    const warning = `source-dir has commit ${head.slice(0, 7)} checked out, but the build is recorded as ${settings.version.slice(0, 7)} (version's default): the summary, the deployments and {commit} name that one. Set version to the commit you check out.`;
    core.warning(warning);
    addNote(c.outcome, warning);
}
/**
 * The `upload` phase: a source blob is created (its signed URLs masked at once) and the packaged
 * source is sent to it. `app` names the app the phase is for, when there is one yet.
 */
function uploadPhase(c, tarball, app) {
    return groupedPhase(c, 'upload', 'Upload the source', app, async () => {
        const made = await c.heroku.createSource();
        core.setSecret(made.source_blob.get_url);
        core.setSecret(made.source_blob.put_url);
        await c.heroku.uploadSource(made.source_blob.put_url, tarball.path, tarball.bytes);
        core.info(`Uploaded ${tarball.bytes} bytes.`);
        return made;
    });
}
/**
 * Packages `source-dir` (with what `include-ignored` adds) into the run's own temporary
 * directory, which the reporter saves for the post step; `cleanup()` removes the directory and
 * says so.
 */
async function packageInTempDir(c) {
    const runnerTemp = c.ctx.runnerTemp;
    const dir = (0,temp/* newRunTempDirPath */.K8)(runnerTemp);
    // Saved before it exists: a cancel in between must not leave it behind.
    c.events.tempDirReserved(dir);
    const cleanup = async () => {
        await (0,temp/* removeRunTempDir */.jg)(dir, runnerTemp);
        c.events.tempDirRemoved(dir);
    };
    try {
        await (0,temp/* createRunTempDir */.dV)(runnerTemp, dir);
        const packaged = await packageSource(c.settings.sourceDir, dir, {
            includeIgnored: c.settings.includeIgnored,
            onListed: (included) => reportIncluded(c, included)
        });
        return { ...packaged, cleanup };
    }
    catch (err) {
        await cleanup();
        throw err;
    }
}
/**
 * One log line per `include-ignored` glob (how many files, their size), however many files it
 * matched; a glob that matched nothing is a warning, also in the summary's notes.
 */
function reportIncluded(c, included) {
    for (const glob of included) {
        if (glob.files > 0) {
            core.info(describeIncluded(glob));
            continue;
        }
        const warning = noMatchWarning(glob.glob);
        core.warning(warning);
        addNote(c.outcome, warning);
    }
}

// EXTERNAL MODULE: ./src/inputs/images.ts
var inputs_images = __webpack_require__(9123);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
;// CONCATENATED MODULE: ./src/registry/manifest.ts
/**
 * Docker Image Manifest V2, Schema 2: the only manifest the Heroku Container Registry stores
 * (Dev Center "Container Registry & Runtime": it "only supports Docker Image Manifest V2,
 * Schema 2"). Pure parsing, no network.
 */

const MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json';
const DIGEST = /^sha256:[0-9a-f]{64}$/;
class ManifestError extends Error {
}
/** Parses a v2 schema 2 manifest; anything else (OCI, a list, schema 1, not JSON) throws. */
function parseManifest(text) {
    let doc;
    try {
        doc = JSON.parse(text);
    }
    catch {
        throw new ManifestError('the registry answered a manifest that is not JSON');
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
        throw new ManifestError('the registry answered a manifest that is not a JSON object');
    const m = doc;
    if (m.schemaVersion !== 2 || (m.mediaType !== undefined && m.mediaType !== MANIFEST_V2)) {
        throw new ManifestError(`the manifest is not a Docker image manifest v2 schema 2 (schemaVersion ${typeof m.schemaVersion === 'number' ? m.schemaVersion : 'none'}, mediaType ${typeof m.mediaType === 'string' ? m.mediaType : 'none'}), the only kind Heroku's registry releases`);
    }
    const imageId = m.config?.digest;
    if (typeof imageId !== 'string' || !DIGEST.test(imageId))
        throw new ManifestError('the manifest has no config digest (sha256:<64 hex>)');
    const layers = Array.isArray(m.layers)
        ? m.layers
        : [];
    const blobs = [{ digest: imageId, size: manifest_sizeOf(m.config?.size) }];
    for (const layer of layers) {
        if (typeof layer.digest !== 'string' || !DIGEST.test(layer.digest))
            throw new ManifestError('the manifest names a layer without a sha256 digest');
        blobs.push({ digest: layer.digest, size: manifest_sizeOf(layer.size) });
    }
    return { imageId, blobs };
}
/** The manifest digest of the exact bytes served (what `Docker-Content-Digest` names). */
function manifestDigest(bytes) {
    return `sha256:${(0,external_node_crypto_.createHash)('sha256').update(bytes).digest('hex')}`;
}
function isDigest(value) {
    return DIGEST.test(value);
}
function manifest_sizeOf(value) {
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

// EXTERNAL MODULE: ./src/heroku/backoff.ts
var backoff = __webpack_require__(1252);
;// CONCATENATED MODULE: ./src/registry/client.ts
/**
 * The Heroku Container Registry over HTTP (Docker registry HTTP API v2 / OCI distribution spec):
 * resolve an image reference to its image ID, copy an image between repositories. Commands see
 * only `RegistryPort`; tests may hand in anything with its methods.
 *
 * Auth is HTTP Basic with the API key as password, sent with every request, as heroku/cli
 * `container/release.ts` does (no token exchange; Heroku's registry answers a `Basic` challenge).
 * The key is never put in a URL, an error message or a log line.
 */




class RegistryError extends Error {
    status;
    code;
    constructor(message, status, code) {
        super(message);
        this.status = status;
        this.code = code;
        this.name = 'RegistryError';
    }
}
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
/** Blobs of one image copied side by side. */
const BLOB_COPIES_AT_ONCE = 4;
class RegistryClient {
    opts;
    authorization;
    timeoutMs;
    transferTimeoutMs;
    retry;
    constructor(opts) {
        this.opts = opts;
        // heroku/cli sends an empty user name; Dev Center's `docker login` uses `_`: any is accepted.
        this.authorization = `Basic ${Buffer.from(`_:${opts.apiKey}`).toString('base64')}`;
        this.timeoutMs = opts.requestTimeoutMs ?? 30000;
        this.transferTimeoutMs = opts.transferTimeoutMs ?? 3_600_000;
        // The API client's backoff (jittered, Retry-After honoured, 120 s in all), with fewer
        // attempts: a copy that keeps failing is better reported than waited on.
        this.retry = (0,backoff/* resolveRetryPolicy */.NO)({ maxAttempts: opts.attempts ?? 3 }, opts.sleep, opts.random);
    }
    async resolveImage(repository, reference) {
        const res = await this.request('GET', manifestPath(repository, reference), {
            accept: MANIFEST_V2
        });
        const bytes = new Uint8Array(await res.arrayBuffer());
        const text = Buffer.from(bytes).toString('utf8');
        const parsed = parseManifest(text);
        const digest = manifestDigest(bytes);
        const stated = res.headers.get('docker-content-digest');
        if (stated && stated !== digest) {
            throw new RegistryError(`The registry's manifest for ${repository}:${reference} does not match its Docker-Content-Digest ${stated}.`, res.status, undefined);
        }
        if (isDigest(reference) && reference !== digest) {
            throw new RegistryError(`The registry answered another manifest (${digest}) for ${repository}@${reference}.`, res.status, undefined);
        }
        return { repository, reference, imageId: parsed.imageId, manifestDigest: digest };
    }
    async findImage(repository, imageId) {
        const res = await this.request('GET', `/v2/${repository}/tags/list`, { allow: [404] });
        if (res.status === 404)
            return undefined;
        const body = (await res.json());
        const tags = Array.isArray(body.tags) ? body.tags.filter((t) => typeof t === 'string') : [];
        // `latest` first: where heroku container:push and docker push without a tag put an image.
        tags.sort((a, b) => Number(b === 'latest') - Number(a === 'latest'));
        for (const tag of tags.slice(0, 50)) {
            const image = await this.resolveImage(repository, String(tag)).catch((err) => {
                // A tag of another manifest type is not the image looked for.
                if (err instanceof ManifestError)
                    return undefined;
                throw err;
            });
            if (image?.imageId === imageId)
                return image;
        }
        return undefined;
    }
    async copyImage(from, digest, to, tag) {
        const res = await this.request('GET', manifestPath(from, digest), { accept: MANIFEST_V2 });
        const bytes = new Uint8Array(await res.arrayBuffer());
        if (manifestDigest(bytes) !== digest) {
            throw new RegistryError(`The registry answered another manifest for ${from}@${digest}.`, res.status, undefined);
        }
        const parsed = parseManifest(Buffer.from(bytes).toString('utf8'));
        // A few blobs at a time: mounts are one request each; a streamed copy holds little memory.
        const blobs = parsed.blobs.map((b) => ({
            digest: b.digest,
            how: 'exists'
        }));
        let next = 0;
        let failed = false;
        const worker = async () => {
            // After one blob fails, no new blob is started: the copy has failed.
            while (next < blobs.length && !failed) {
                const entry = blobs[next++];
                entry.how = await this.copyBlob(from, to, entry.digest).catch((err) => {
                    failed = true;
                    throw err;
                });
            }
        };
        // Every worker is waited for, so no request is left running when the copy reports.
        await (0,wait/* allSettledOrFirstError */.mO)(Array.from({ length: Math.min(BLOB_COPIES_AT_ONCE, blobs.length) }, worker));
        const put = await this.request('PUT', manifestPath(to, tag), {
            contentType: MANIFEST_V2,
            body: bytes,
            retry: true
        });
        const stated = put.headers.get('docker-content-digest');
        if (stated && stated !== digest) {
            throw new RegistryError(`The registry stored the manifest in ${to} as ${stated}, not ${digest}.`, put.status, undefined);
        }
        return {
            repository: to,
            reference: tag,
            imageId: parsed.imageId,
            manifestDigest: digest,
            blobs
        };
    }
    /** One blob into `to`: there already, mounted from `from`, or streamed from `from`. */
    async copyBlob(from, to, digest) {
        const head = await this.request('HEAD', `/v2/${to}/blobs/${digest}`, { allow: [404] });
        if (head.status === 200)
            return 'exists';
        const mount = await this.request('POST', `/v2/${to}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`, { allow: [202] });
        if (mount.status === 201)
            return 'mounted';
        // 202: no mount (the spec's SHOULD), an upload session instead: stream the blob into it.
        const location = mount.headers.get('location');
        if (!location) {
            throw new RegistryError(`The registry opened an upload in ${to} without a Location.`, 202, undefined);
        }
        // A layer may take minutes to stream: time out on no progress, not on the whole transfer.
        const idle = new IdleTimeout(this.timeoutMs, this.transferTimeoutMs);
        try {
            const source = await this.request('GET', `/v2/${from}/blobs/${digest}`, {
                signal: () => idle.restart()
            });
            const bytes = source.body;
            if (!bytes)
                throw new RegistryError(`The blob ${digest} of ${from} is empty.`, 200, undefined);
            const target = new URL(location, `${this.opts.baseUrl}/`);
            target.searchParams.set('digest', digest);
            const length = source.headers.get('content-length');
            // Read only as fast as the target takes it, so each chunk is progress at both ends.
            const body = external_node_stream_.Readable.from((async function* () {
                for await (const chunk of bytes) {
                    idle.touch();
                    yield chunk;
                }
            })(), { objectMode: false });
            await this.request('PUT', `${target.pathname}${target.search}`, {
                contentType: 'application/octet-stream',
                body,
                contentLength: length ?? undefined,
                signal: () => idle.signal
            });
            return 'copied';
        }
        finally {
            // Also drops the source's connection when the target failed before reading it all.
            idle.stop();
        }
    }
    async request(method, path, opts) {
        const repeatable = (opts.retry ?? (method === 'GET' || method === 'HEAD')) && !(opts.body instanceof external_node_stream_.Readable);
        const budget = new backoff/* RetryBudget */.Km(this.retry);
        for (let attempt = 1;; attempt++) {
            const headers = { Authorization: this.authorization };
            if (opts.accept)
                headers.Accept = opts.accept;
            if (opts.contentType)
                headers['Content-Type'] = opts.contentType;
            if (opts.contentLength)
                headers['Content-Length'] = opts.contentLength;
            if (this.opts.userAgent)
                headers['User-Agent'] = this.opts.userAgent;
            let res;
            const signal = opts.signal?.() ?? AbortSignal.timeout(this.timeoutMs);
            try {
                res = await fetch(`${this.opts.baseUrl}${path}`, {
                    method,
                    headers,
                    body: opts.body,
                    redirect: 'follow',
                    signal,
                    ...(opts.body instanceof external_node_stream_.Readable ? { duplex: 'half' } : {})
                });
            }
            catch (err) {
                // An aborted streamed body surfaces as a bare "fetch failed": say why it was aborted.
                const why = signal.aborted && signal.reason instanceof Error ? signal.reason : err;
                const failed = new RegistryError(`${method} ${this.opts.baseUrl}${stripQuery(path)} failed: ${why.message}`, undefined, undefined);
                const delay = (0,backoff/* fullJitterDelay */.x4)(this.retry, attempt, this.retry.baseDelayMs);
                if (!repeatable || !budget.allows(attempt, delay))
                    throw failed;
                await budget.wait(delay);
                continue;
            }
            if (res.ok || opts.allow?.includes(res.status))
                return res;
            const error = await errorOf(res, method, `${this.opts.baseUrl}${stripQuery(path)}`);
            if (!repeatable || !RETRY_STATUSES.has(res.status))
                throw error;
            const delay = res.status === 429
                ? ((0,backoff/* parseRetryAfter */.mu)(res.headers.get('retry-after') ?? undefined, this.retry.now()) ??
                    (0,backoff/* equalJitterDelay */.mk)(this.retry, attempt, this.retry.rateLimitBaseDelayMs))
                : (0,backoff/* fullJitterDelay */.x4)(this.retry, attempt, this.retry.baseDelayMs);
            if (!budget.allows(attempt, Math.min(delay, this.retry.maxDelayMs)))
                throw error;
            await budget.wait(Math.min(delay, this.retry.maxDelayMs));
        }
    }
}
/**
 * Aborts a transfer once nothing has moved for `ms` (the wait for an answer's headers included):
 * `touch()` on every chunk restarts the wait, so a large blob that keeps flowing is never cut
 * off, while a stalled one is. (upload.ts and stream.ts get the same from node:http's
 * `setTimeout`; fetch has no idle timeout of its own.)
 */
class IdleTimeout {
    controller = new AbortController();
    /** Past the whole copy's deadline: a retry gets no fresh signal. */
    overdue = false;
    timer;
    /** The whole copy's deadline, however steadily its bytes come. */
    deadline;
    constructor(ms, maxMs) {
        this.timer = setTimeout(() => this.abort(`no progress for ${ms} ms`), ms);
        this.deadline = setTimeout(() => this.abort(`not copied within ${Math.round(maxMs / 1000)} s (wait-timeout)`, true), maxMs);
    }
    get signal() {
        return this.controller.signal;
    }
    /** The signal for a new attempt: one that timed out stays aborted, so it gets a fresh one. */
    restart() {
        if (this.controller.signal.aborted && !this.overdue)
            this.controller = new AbortController();
        this.touch();
        return this.controller.signal;
    }
    touch() {
        this.timer.refresh();
    }
    stop() {
        clearTimeout(this.timer);
        clearTimeout(this.deadline);
        this.controller.abort(new Error('the copy of the blob has ended'));
    }
    abort(why, overdue = false) {
        this.overdue ||= overdue;
        const error = new Error(why);
        error.name = 'TimeoutError';
        this.controller.abort(error);
    }
}
function manifestPath(repository, reference) {
    return `/v2/${repository}/manifests/${encodeURIComponent(reference).replace(/%3A/gi, ':')}`;
}
function stripQuery(path) {
    return path.replace(/\?.*$/, '');
}
/** The registry's error (`{errors: [{code, message}]}`) as one sentence, with a hint for 401. */
async function errorOf(res, method, url) {
    let code;
    let message = '';
    try {
        const body = (await res.json());
        const first = body.errors?.[0];
        if (typeof first?.code === 'string')
            code = first.code;
        if (typeof first?.message === 'string')
            message = first.message;
    }
    catch {
        // Not JSON: the status says enough.
    }
    const hint = res.status === 401
        ? ' The registry refused the key: heroku-api-key must be able to deploy the app (the repository is <app>/<process>).'
        : res.status === 404 && code === 'MANIFEST_UNKNOWN'
            ? ' Push the image first (docker push, or docker/build-push-action), or check the tag.'
            : '';
    return new RegistryError(`Container registry ${method} ${url} answered ${res.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}.${hint}`, res.status, code);
}

;// CONCATENATED MODULE: ./src/registry/docker.ts
/**
 * The `docker` CLI for pushing local images to the Heroku Container Registry: `docker login`
 * with the key on stdin (`--password-stdin`, as heroku/cli `container/login.ts` does: never in
 * argv, where the process list would show it, and never in a file), `docker tag`, `docker push`.
 */


/**
 * The digest in `docker push`'s last line, `<tag>: digest: sha256:<hex> size: <n>` (the format
 * since Docker 1.8, moby/moby#16988; docker/cli#6175 still points users at it): the one record of
 * what this push stored, which a later read of the tag cannot give when another push lands.
 */
function pushedDigest(stdout) {
    const found = [...stdout.matchAll(/: digest: (sha256:[0-9a-f]{64}) size: \d+/g)];
    return found.at(-1)?.[1];
}
class DockerCli {
    scrub;
    constructor(scrub = (t) => t) {
        this.scrub = scrub;
    }
    async login(host, apiKey) {
        await this.run(['login', host, '--username', '_', '--password-stdin'], Buffer.from(apiKey));
    }
    async tag(source, target) {
        await this.run(['tag', source, target]);
    }
    async push(ref) {
        return pushedDigest(await this.run(['push', ref]));
    }
    /** Runs docker (its output shown in the log); its stdout. */
    async run(args, input) {
        let stdout = '';
        let stderr = '';
        const code = await exec/* exec */.m('docker', args, {
            input,
            ignoreReturnCode: true,
            listeners: {
                stdout: (data) => (stdout += data.toString()),
                stderr: (data) => (stderr += data.toString())
            }
        })
            .catch((err) => {
            throw new errors/* DeployError */.sH(`docker ${args[0]} could not run: ${err.message}. method container with a local image needs docker on PATH.`);
        });
        if (code !== 0) {
            const last = this.scrub(stderr.trim().split('\n').slice(-3).join(' '));
            throw new errors/* DeployError */.sH(`docker ${args[0]} exited ${code}${last ? `: ${last}` : ''}`);
        }
        return stdout;
    }
}

;// CONCATENATED MODULE: ./src/commands/container.ts
/**
 * `method: container`: release images from the Heroku Container Registry on a container-stack
 * app, as `heroku container:release` does (heroku/cli `container/release.ts`): each image's ID
 * (its manifest's `config.digest`) from the registry, then ONE `PATCH /apps/{app}/formation`
 * (`3.docker-releases`) for every process type, then the release it made, followed through its
 * release phase (a `release` image). Local images are pushed first with `docker push`.
 */











/**
 * Checks, before any change, that `method: container` fits the app: a container-stack app (the
 * formation release refuses others), and registry images of this very app.
 */
function checkContainerFits(settings, app) {
    if (settings.method !== 'container')
        return;
    if (app.kind !== 'container') {
        throw new errors/* InputError */.dz('method', `Input 'method': container releases images on container-stack apps, and ${app.name} is ${describeKind(app)} (stack ${app.stack ?? 'unknown'}). Set its stack with heroku stack:set container, or use method build.`);
    }
    for (const [process, ref] of Object.entries(settings.images)) {
        if (ref.kind === 'registry' && ref.app !== app.name) {
            throw new errors/* InputError */.dz('images', `Input 'images': ${process} names ${inputs_images/* HEROKU_REGISTRY_HOST */.Ah}/${ref.repository}, an image of app ${ref.app}, not of ${app.name}; an app releases images from its own repositories (${inputs_images/* HEROKU_REGISTRY_HOST */.Ah}/${app.name}/<process>).`);
        }
    }
}
/** The images of `images` as the summary and plan name them. */
function describeImages(images) {
    return Object.entries(images)
        .map(([process, ref]) => ref.kind === 'registry'
        ? `${process}=${inputs_images/* HEROKU_REGISTRY_HOST */.Ah}/${ref.repository}${ref.reference.startsWith('sha256:') ? '@' : ':'}${ref.reference}`
        : `${process}=${ref.name} (local, pushed by the action)`)
        .join(', ');
}
function registryFor(c) {
    return (c.registry ??
        new RegistryClient({
            baseUrl: c.settings.herokuRegistryUrl,
            apiKey: c.settings.herokuApiKey,
            userAgent: version/* USER_AGENT */._,
            requestTimeoutMs: c.heroku.requestTimeoutMs,
            transferTimeoutMs: c.settings.waitTimeoutSeconds * 1000
        }));
}
/**
 * Pushes the local images, resolves every image ID, releases them in one formation update and
 * follows the release through its release phase. A failed release phase throws (the previous
 * release stays live: nothing to roll back).
 */
async function releaseImages(c, app, result) {
    const registry = registryFor(c);
    const resolved = await groupedPhase(c, 'upload', `Images for ${app.name}`, app.name, async () => {
        const pushed = await pushLocalImages(c, app, c.docker ?? new DockerCli());
        return resolveImages(registry, app, c.settings.images, pushed);
    });
    const images = Object.fromEntries(Object.entries(resolved).map(([process, image]) => [process, image.imageId]));
    result.images = Object.fromEntries(Object.entries(resolved).map(([process, image]) => [
        process,
        { imageId: image.imageId, manifestDigest: image.manifestDigest, repository: image.repository }
    ]));
    return groupedPhase(c, 'release-phase', `Release on ${app.name}`, app.name, async () => {
        const done = await releaseImageIds(c, app, images);
        if (done.unchanged)
            return { release: done.release, images, unchanged: true };
        const { release, tail } = done;
        if (release.status !== 'succeeded') {
            result.release = await releaseInfo(c.heroku, app.id, release, { slugId: undefined, commit: undefined, releaseId: release.id, images }, app.kind);
            throw imageReleaseFailed(app, release, result, tail);
        }
        core.info(`Release v${release.version} succeeded.`);
        return { release, images, unchanged: false };
    });
}
/**
 * The error for a release of images that did not succeed (its release phase failed, or it ended
 * otherwise): the app keeps what was live before, and the result says so.
 */
function imageReleaseFailed(app, release, result, tail) {
    result.liveAfter = result.before;
    return new errors/* DeployError */.sH(`Release v${release.version} on ${app.name} ${release.status === 'failed' ? 'failed its release phase (the release image)' : `ended ${release.status}`}; ` +
        (result.before ? `v${result.before.version} is still live.` : 'nothing is live.'), tail);
}
/**
 * Releases image IDs on a container-stack app with one formation update and follows the release
 * it makes through its release phase (streamed, prefixed with `prefix` when apps run in
 * parallel). `unchanged`: the app already ran every image, and Heroku makes no release for that
 * (heroku/heroku-releases-retry#11); `release` is then the current one.
 */
async function releaseImageIds(c, app, images, prefix) {
    const say = (msg) => core.info(prefix ? `[${prefix}] ${msg}` : msg);
    const alreadyRuns = async () => {
        const { running, current } = await runningImages(c, app);
        const same = Object.entries(images).every(([process, id]) => process === 'release' || running[process] === id);
        return same && current?.status === 'succeeded' ? current : undefined;
    };
    const unchanged = (current) => {
        say(`${app.name} already runs these images (v${current.version}): Heroku makes no release for the same images; checking its health.`);
        const note = `No release was made: v${current.version} of ${app.name} already runs these images.`;
        addNote(c.outcome, note);
        return { release: current, tail: '', unchanged: true };
    };
    // Both looked at together: whether the app already runs these images, and its newest release.
    const [current, newestBefore] = await Promise.all([
        'release' in images ? undefined : alreadyRuns(),
        c.heroku.listReleases(app.id, 1).then((releases) => releases[0]?.version ?? 0)
    ]);
    if (current)
        return unchanged(current);
    const updates = Object.entries(images).map(([type, docker_image]) => ({ type, docker_image }));
    say(`Releasing ${updates.map((u) => `${u.type} (${u.docker_image.slice(7, 19)})`).join(', ')} on ${app.name}.`);
    const newRelease = async () => {
        const newest = (await c.heroku.listReleases(app.id, 1))[0];
        return newest && newest.version > newestBefore ? newest : undefined;
    };
    await c.heroku.releaseImages(app.id, updates, async () => ((await newRelease()) ? [] : undefined));
    // One release for every process type, made before the answer (heroku/cli reads the newest
    // release right after); none when every image already ran.
    const made = await (0,wait/* waitUntil */.a0)(newRelease, (r) => r !== undefined, {
        ...c.clock,
        what: `the release of the images on ${app.name}`,
        timeoutMs: 15000,
        maxIntervalMs: 2000
    }).catch(async (err) => {
        const current = await alreadyRuns();
        if (current)
            return current;
        throw err;
    });
    if (!made)
        throw new errors/* DeployError */.sH(`Releasing the images on ${app.name} made no release.`);
    if (made.version <= newestBefore)
        return unchanged(made);
    const { release, tail } = await waitForReleaseEnd(c, app, made.id, true, prefix);
    return { release, tail, unchanged: false };
}
/** What the app runs now, as Heroku says it: its formation's image IDs and its current release. */
async function runningImages(c, app) {
    const [formation, current] = await Promise.all([
        c.heroku.listFormationImages(app.id),
        c.heroku.currentRelease(app.id)
    ]);
    return { running: formationImages(formation), current };
}
/**
 * The release a deploy made must run the images it sent: the release found after the formation
 * update is the app's newest one, which another release of images may have been (a concurrent
 * deploy, or an answer lost). Heroku's formation says what runs; a release replaced since is
 * left to the gate. A promotion target checks it too, before its gate: its new release is
 * found the same way.
 */
async function confirmReleasedImages(c, app, release, images) {
    const { running, current } = await runningImages(c, app);
    if (current?.id !== release.id)
        return;
    const other = Object.entries(images).filter(([process, id]) => process !== 'release' && running[process] !== id);
    if (other.length === 0)
        return;
    throw new errors/* DeployError */.sH(`${app.name} v${release.version} runs ${other.map(([process]) => `${process} ${running[process] ?? '(no image)'}`).join(', ')}, not the images this run released (${other.map(([process, id]) => `${process} ${id}`).join(', ')}): another release of images was made at the same time. It is not this run's, so it is neither gated nor rolled back.`);
}
/**
 * `docker login` (key on stdin), `docker tag` and `docker push` for every local image; the
 * manifest digest each push stored, by process (undefined where docker did not print it).
 */
async function pushLocalImages(c, app, docker) {
    const local = Object.entries(c.settings.images).filter(([, ref]) => ref.kind === 'local');
    if (local.length === 0)
        return {};
    const host = new URL(c.settings.herokuRegistryUrl).host;
    await docker.login(host, c.settings.herokuApiKey);
    const pushed = {};
    for (const [process, ref] of local) {
        if (ref.kind !== 'local')
            continue;
        const target = `${host}/${app.name}/${process}`;
        core.info(`Pushing ${ref.name} as ${target}.`);
        await docker.tag(ref.name, target);
        pushed[process] = await docker.push(target);
        if (!pushed[process])
            core.warning(`docker push printed no digest for ${target}, so its image is read from ${app.name}/${process}:latest, which another push to it at the same time would have replaced.`);
    }
    return pushed;
}
/**
 * The image ID and manifest digest of every process's image, read from the registry. A pushed
 * image is read by the digest its push printed: the tag may name another run's push by then.
 */
async function resolveImages(registry, app, images, pushed) {
    const entries = await Promise.all(Object.entries(images).map(async ([process, ref]) => {
        const [repository, reference] = ref.kind === 'registry'
            ? [ref.repository, ref.reference]
            : [`${app.name}/${process}`, pushed[process] ?? 'latest'];
        const image = await registry.resolveImage(repository, reference);
        core.info(`${process}: ${repository}${reference.startsWith('sha256:') ? '@' : ':'}${reference} → image ${image.imageId} (manifest ${image.manifestDigest})`);
        return [process, image];
    }));
    return Object.fromEntries(entries);
}

;// CONCATENATED MODULE: ./src/commands/deploy.ts
/**
 * `deploy`: package the source, build it on the app, follow the build and its release (release
 * phase included), health-gate it and roll back precisely on failure. With `promote: true` the
 * verified release goes on to `promote`.
 */












/**
 * Deploys to the staging app. `beforeChange`: runs once the app is resolved and before anything
 * changes (promote: true resolves and checks its targets there).
 */
async function deploy(c, beforeChange) {
    const { settings, outcome } = c;
    if (c.ctx.refDeleted) {
        skipRun(c, `This push deleted ${c.ctx.ref || 'its ref'}: there is nothing to deploy (GITHUB_SHA is the default branch's commit then).`, `The push deleted ${c.ctx.ref || 'its ref'}: nothing was deployed.`);
        return undefined;
    }
    const app = await groupedPhase(c, 'resolve', 'Resolve the app', undefined, () => resolveDeployApp(c));
    const result = newAppResult(app, c.clock.now());
    outcome.app = result;
    if (beforeChange)
        await beforeChange(app);
    await core.group(`What is live on ${app.name}`, async () => {
        const newest = await waitForPendingWork(c, app);
        result.before = await recordLive(c.heroku, app, newest);
        core.info(result.before
            ? `Live before this run: v${result.before.version} (commit ${result.before.commit ?? 'unknown'}).`
            : `${app.name} has no release yet.`);
    });
    const alreadyLive = settings.method !== 'container' &&
        result.before?.status === 'succeeded' &&
        result.before.commit === settings.version &&
        settings.version !== '';
    if (settings.dryRun) {
        outcome.plan = [
            `Deploy ${settings.version || 'the workspace'} to ${app.name} (${app.stage}) with method ${settings.method}` +
                (alreadyLive ? ': already live, the build would be skipped' : ''),
            `Live now: ${result.before ? `v${result.before.version}` : 'nothing'}`,
            ...(settings.method === 'container'
                ? [`Release the images ${describeImages(settings.images)} (one formation update)`]
                : []),
            `Health gate: ${gatePlan(app, settings.health)}`,
            ...(settings.promote ? ['Then promote the verified release (see below).'] : [])
        ];
        outcome.status = 'planned';
        return {
            app,
            release: result.before ?? { id: '', version: 0, slugId: undefined, commit: undefined }
        };
    }
    await startDeployment(c, result, app.stage, false, app.stage === 'production');
    await c.events.progress(outcome);
    let release;
    /** The slug this run built and its commit (the build's source version): no slug read. */
    let built;
    let liveSince;
    if (alreadyLive && result.before) {
        core.info(`${app.name} already runs ${settings.version} (v${result.before.version}): skipping packaging and the build; checking its health.`);
        outcome.notes.push(`The build was skipped: v${result.before.version} already runs ${settings.version}.`);
        // The config vars asked for still apply: their change is a release of its own, gated.
        const configRelease = await applyConfigVars(c, app);
        release = configRelease ?? (await c.heroku.getRelease(app.id, result.before.id));
        if (configRelease) {
            built = sameCodeAs(result.before, release.id);
            outcome.notes.push(`The config vars changed: v${configRelease.version} runs the code of v${result.before.version} with them.`);
        }
        liveSince = wentLiveAt(release, c.clock.now());
    }
    else if (settings.method === 'container') {
        await applyConfigVars(c, app);
        const released = await releaseImages(c, app, result);
        release = released.release;
        if (!released.unchanged && release.status === 'succeeded')
            await confirmReleasedImages(c, app, release, released.images);
        built = {
            slugId: undefined,
            commit: undefined,
            releaseId: release.id,
            images: released.unchanged
                ? { ...(result.before?.images ?? {}), ...released.images }
                : released.images
        };
        if (released.unchanged)
            liveSince = wentLiveAt(release, c.clock.now());
    }
    else {
        const build = await buildSource(c, app, result);
        release = await followBuildRelease(c, app, result, build);
        built = builtRelease(build, release);
    }
    result.release = await releaseInfo(c.heroku, app.id, release, built, app.kind);
    await c.events.progress(outcome);
    const health = await gatePhase(c, app, result, result.release, undefined, liveSince);
    if (!health.passed) {
        const failure = gateFailure(app, release.version, health);
        if (settings.rollbackOnFailure && result.before && result.before.id !== release.id) {
            const before = result.before;
            await phase(c, 'rollback', app.name, () => core.group(`Roll back ${app.name}`, () => rollbackTo(c, app, result, before, settings.health)));
        }
        else {
            result.liveAfter = result.release;
            if (!settings.rollbackOnFailure)
                core.info('rollback-on-failure is false: the failing release stays live.');
        }
        result.error = failure.message;
        result.endedAt = c.clock.now();
        throw failure;
    }
    // Verified by its marker, then replaced: this run vouches for (and promotes) its own release
    // only, and what is live now is the newer one.
    result.liveAfter = await liveAfterGate(c, app, result.release, health, settings.promote);
    result.endedAt = c.clock.now();
    outcome.status = 'deployed';
    core.info(`${app.name} v${release.version} is live and healthy.`);
    if (settings.promote)
        await c.events.deploymentVerified(result);
    return { app, release: result.release };
}
async function resolveDeployApp(c) {
    const app = await resolveAppInput(c, c.settings.promote ? 'it cannot be promoted from' : undefined);
    checkSettingsFitApp(c.settings, app);
    // A promotion that could not be made is refused now, not after the deploy.
    if (c.settings.promote && app.kind === 'container' && c.settings.method !== 'container') {
        throw new errors/* InputError */.dz('promote', `Input 'promote': ${app.name} builds heroku.yml on the container stack; Heroku cannot promote container-stack apps through a pipeline, and the images of a heroku.yml build cannot be counted on to be readable from the registry (and released by image they would run their Dockerfile CMD, not heroku.yml's run commands). Deploy each app with its own build instead.`);
    }
    return app;
}
/**
 * Settings the app's generation or stack does not support are input errors, found before any
 * change: `buildpacks` on Fir (Cloud Native Buildpacks read `project.toml`; Heroku's Terraform
 * provider refuses them: "buildpacks cannot be specified for fir generation apps") or on the
 * container stack (heroku.yml builds Dockerfiles), `method: container` on another stack.
 */
function checkSettingsFitApp(settings, app) {
    if (settings.buildpacks.length > 0 && settings.method !== 'container') {
        if (app.kind === 'fir') {
            throw new errors/* InputError */.dz('buildpacks', `Input 'buildpacks': ${app.name} is a Fir-generation app, and Fir apps use project.toml to choose their Cloud Native Buildpacks; leave buildpacks out.`);
        }
        if (app.kind === 'container') {
            throw new errors/* InputError */.dz('buildpacks', `Input 'buildpacks': ${app.name} is on the container stack, which builds the Dockerfiles its heroku.yml names; leave buildpacks out.`);
        }
    }
    checkContainerFits(settings, app);
}
/** What a build tells about the release it made: its slug and commit (saves reading them). */
function builtRelease(build, release) {
    return { slugId: build.slug?.id, commit: build.source_blob.version, releaseId: release.id };
}
/**
 * PATCHes the changed config vars and waits for the release the change creates; that release,
 * or undefined when there was nothing to change (no `config-vars`, or the same values).
 */
async function applyConfigVars(c, app) {
    const keys = Object.keys(c.settings.configVars);
    if (keys.length === 0)
        return undefined;
    return groupedPhase(c, 'config-vars', `Set config vars on ${app.name}`, app.name, async () => {
        const current = await c.heroku.getConfigVars(app.id);
        const changed = keys.filter((k) => current[k] !== c.settings.configVars[k]);
        if (changed.length === 0) {
            core.info(`Config vars ${keys.join(', ')} already have these values: nothing to change.`);
            return undefined;
        }
        const before = (await c.heroku.listReleases(app.id, 1))[0];
        const update = {};
        for (const k of changed)
            update[k] = c.settings.configVars[k];
        await c.heroku.setConfigVars(app.id, update);
        core.info(`Set ${changed.join(', ')} (values masked).`);
        // The change makes a release of its own (release phase included): wait for it.
        const newest = await (0,wait/* waitUntil */.a0)(() => c.heroku.listReleases(app.id, 1), (list) => list.length > 0 && list[0].version > (before?.version ?? 0), {
            ...c.clock,
            what: `the config-var release on ${app.name}`,
            timeoutMs: 30000,
            maxIntervalMs: 2000
        });
        const { release, tail } = await waitForReleaseEnd(c, app, newest[0].id, true);
        if (release.status !== 'succeeded') {
            throw new errors/* DeployError */.sH(`The config-var change on ${app.name} made release v${release.version}, which ended ${release.status}; nothing was built.`, tail);
        }
        return release;
    });
}
/**
 * Packages and uploads the source (or pushes it with git), creates the build, streams its log.
 * The config vars asked for are set once the source is packaged (or the commit to push is made)
 * and before it is sent: a source that cannot be packaged fails before anything changed.
 */
async function buildSource(c, app, result) {
    const { settings, ctx } = c;
    if (settings.method === 'git') {
        const gitUrl = app.gitUrl;
        if (!gitUrl)
            throw new errors/* DeployError */.sH(`${app.name} has no git_url: use method build.`);
        const prepared = await prepareGitPush(settings.sourceDir, ctx.sha);
        if (prepared.uncommitted > 0) {
            const warning = `${prepared.uncommitted} file(s) in source-dir have changes HEAD does not have: method git pushes HEAD's tree only, so they are not deployed. Commit them in the job, or use method build (which packages the work tree).`;
            core.warning(warning);
            addNote(c.outcome, warning);
        }
        await applyConfigVars(c, app);
        // The builds there before the push: only a build the push started is this run's.
        let earlier = new Set();
        // Heroku's push returns once the build it runs has ended: one wait-timeout for the push and
        // the build, whose log comes back as git's `remote:` lines, shown as they come.
        const budget = waitBudget(c);
        const pushed = await groupedPhase(c, 'upload', `Push to ${app.name} with git`, app.name, async () => {
            earlier = new Set((await c.heroku.listBuilds(app.id, 5)).map((b) => b.id));
            try {
                return await prepared.push(gitUrl, settings.herokuApiKey, {
                    timeoutMs: budgetLeftMs(budget),
                    onLine: (line) => void process.stdout.write(`${(0,inert_log/* inertLine */.Fq)(line)}\n`)
                });
            }
            catch (err) {
                if (err instanceof GitPushError)
                    throw await pushFailure(c, app, result, err, earlier);
                throw err;
            }
        });
        return groupedPhase(c, 'build', `Build on ${app.name}`, app.name, async () => {
            const build = await (0,wait/* waitUntil */.a0)(async () => findPushedBuild(c, app, pushed.commit, earlier), (b) => b !== undefined, {
                ...c.clock,
                what: `the build of the git push on ${app.name}`,
                timeoutMs: 60000,
                maxIntervalMs: 2000
            });
            if (!build)
                throw new errors/* DeployError */.sH('The git push created no build.');
            // Its log was shown as the push ran; its status shares the push's deadline.
            return finishBuild(c, app, result, build, { budget, shown: pushed.tail });
        });
    }
    const tarball = await packagePhase(c);
    try {
        await applyConfigVars(c, app);
        const source = await uploadPhase(c, tarball, app.name);
        return await groupedPhase(c, 'build', `Build on ${app.name}`, app.name, async () => {
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
/** The build a git push of `commit` started (not one of `earlier`), if Heroku lists it. */
async function findPushedBuild(c, app, commit, earlier) {
    return (await c.heroku.listBuilds(app.id, 5)).find((b) => b.source_blob.version === commit && !earlier.has(b.id));
}
/** How long a failed push's build is looked for (a rejected push's build is listed by then). */
const PUSHED_BUILD_LOOKUP_MS = 5000;
/**
 * The error a failed or stopped git push ends the run with. The build the push started is
 * looked up (a few reads, briefly) and recorded: a failed build is reported as one, its log's
 * tail (the push's output) in the report; a push that ran out of wait-timeout says so.
 */
async function pushFailure(c, app, result, err, earlier) {
    let build;
    try {
        // Stopped at the deadline: one look (the build goes on). Rejected: until its status is in.
        build = await (0,wait/* waitUntil */.a0)(() => findPushedBuild(c, app, err.commit, earlier), (b) => err.timedOut || (b !== undefined && b.status !== 'pending'), {
            ...c.clock,
            what: `the build of the git push on ${app.name}`,
            timeoutMs: err.timedOut ? 0 : PUSHED_BUILD_LOOKUP_MS,
            maxIntervalMs: 1000,
            onPoll: (b) => {
                if (b)
                    build = b;
            }
        });
    }
    catch (lookup) {
        // Not found, or not ended, in time: the push's own failure is what is reported.
        if (!(lookup instanceof errors/* TimeoutError */.MU))
            core.info(`Could not look up the build: ${(0,errors/* errorMessage */.gJ)(lookup)}`);
    }
    if (build) {
        result.buildId = build.id;
        result.buildStatus = build.status;
    }
    const tail = err.tail || undefined;
    if (err.timedOut) {
        return new errors/* DeployError */.sH(`Timed out after ${c.settings.waitTimeoutSeconds} s waiting for the git push to ${app.name} and its build${build ? ` ${build.id}` : ''} (limit: wait-timeout); git was stopped, and Heroku may still finish the build and release it.`, tail);
    }
    if (build && build.status === 'failed')
        return buildFailed(app, result, tail);
    return new errors/* DeployError */.sH(err.message, tail);
}
/** A failed build: the release live before it stays live; `tail` is its log's end. */
function buildFailed(app, result, tail) {
    result.liveAfter = result.before;
    return new errors/* DeployError */.sH(`The build on ${app.name} failed${result.before ? `; v${result.before.version} is still live` : ''}.`, tail);
}
/**
 * Streams the build's output and reads its final status from the API. `pushed`: a git push's
 * build, its log already shown (`shown` is its tail), its deadline the push's `budget`.
 */
async function finishBuild(c, app, result, build, pushed) {
    result.buildId = build.id;
    result.buildStatus = build.status;
    core.info(`Build ${build.id} ${pushed ? 'ran with the push' : 'started'}.`);
    // One wait-timeout for the build: its log stream and its status share the deadline.
    const streamed = await streamBuildToEnd(c, app, build.id, pushed ? null : build.output_stream_url, { budget: pushed?.budget ?? waitBudget(c) });
    const done = streamed.build;
    const tail = pushed ? pushed.shown : streamed.tail;
    result.buildStatus = done.status;
    if (done.status !== 'succeeded')
        throw buildFailed(app, result, tail || undefined);
    return done;
}
/** Finds the build's release and follows it through the release phase. */
async function followBuildRelease(c, app, result, build) {
    return groupedPhase(c, 'release-phase', `Release on ${app.name}`, app.name, async () => {
        const withRelease = build.release?.id
            ? build
            : await (0,wait/* waitUntil */.a0)(() => c.heroku.getBuild(app.id, build.id), (b) => Boolean(b.release?.id), {
                ...c.clock,
                what: `the release of build ${build.id}`,
                timeoutMs: 60000,
                maxIntervalMs: 2000
            });
        const releaseId = withRelease.release?.id;
        if (!releaseId)
            throw new errors/* DeployError */.sH(`Build ${build.id} made no release.`);
        const { release, tail } = await waitForReleaseEnd(c, app, releaseId, true);
        if (release.status !== 'succeeded') {
            result.release = await releaseInfo(c.heroku, app.id, release, builtRelease(build, release), app.kind);
            result.liveAfter = result.before;
            throw new errors/* DeployError */.sH(`Release v${release.version} on ${app.name} ${release.status === 'failed' ? 'failed its release phase' : `ended ${release.status}`}; ` +
                (result.before ? `v${result.before.version} is still live.` : 'nothing is live.'), tail);
        }
        core.info(`Release v${release.version} succeeded.`);
        return release;
    });
}

;// CONCATENATED MODULE: ./src/commands/target-gate.ts
/**
 * The end of every promotion target, however its release got there (a pipeline promotion, or
 * images copied and released on a container app): the release must carry what was verified,
 * then it is gated, and a target that fails either is rolled back on its own.
 */





/**
 * `runs` (what the target's new release runs, as Heroku says it) must be `chosen`; then the gate.
 * Either failing rolls the target back (when wanted) and throws.
 */
async function verifyAndGate(c, t, chosen, version, runs, 
/** When the release went live, if before now (a target that already ran the images). */
liveSince) {
    const name = t.app.name;
    if (!sameIdentity(runs, chosen)) {
        // Never vouch for something we did not verify: say so loudly and treat it as a failure.
        const err = new errors/* DeployError */.sH(`${name}: release v${version} carries ${describeIdentity(runs)}, not the promoted ${describeIdentity(chosen)}.`);
        await rollbackIfWanted(c, t, err);
        throw err;
    }
    const health = await phase(c, 'health', name, () => gate(c, t.app, t.result, t.result.release, t.health, name, liveSince), (h) => h.passed);
    if (!health.passed) {
        const err = gateFailure(t.app, version, health);
        await rollbackIfWanted(c, t, err);
        throw err;
    }
    t.result.liveAfter = await liveAfterGate(c, t.app, t.result.release, health);
    core.info(`[${name}] v${version} is live and healthy.`);
    // Its deployment says so now: a run cancelled later (another target, a later wave) must not
    // leave a verified app's deployment reported as failed.
    await c.events.deploymentVerified(t.result);
}
/**
 * Rolls a failed target back to the release it ran before this run, unless rollback-on-failure
 * is off, nothing was recorded, or nothing new was released on it.
 */
async function rollbackIfWanted(c, t, err) {
    t.result.error = err.message;
    const before = t.result.before;
    if (!c.settings.rollbackOnFailure || !before || before.id === t.result.release?.id) {
        t.result.liveAfter = t.result.release;
        return;
    }
    await phase(c, 'rollback', t.app.name, () => rollbackTo(c, t.app, t.result, before, t.health, t.app.name));
}

;// CONCATENATED MODULE: ./src/commands/promote-images.ts
/**
 * Promotion of container-stack apps, which Heroku cannot do through a pipeline promotion (Dev
 * Center, quoted in heroku/roadmap#222: "it is not possible (via UI or API) to promote an app
 * that uses the container stack"). Instead, the verified images are copied into each target's
 * registry repositories (cross-repository blob mounts, else a streamed copy; then the manifest)
 * and released there with the same formation update a container deploy makes; each target's new
 * release must run exactly the verified image IDs, then it is gated, and rolled back on failure.
 */









/**
 * Where the verified release's images are in the source app's registry, found before any
 * change: what a deploy of this run pushed or resolved (`known`), else each process type's
 * repository searched by tag for the manifest with that image ID. An image that cannot be
 * found (a heroku.yml build's images, which Heroku does not document as readable) stops the
 * promotion before any change.
 */
async function findSourceImages(c, source, chosen, known) {
    const images = chosen.images ?? {};
    const registry = registryFor(c);
    // Whether the source has a release image is asked beside the image lookups below.
    const releaseImage = known ? undefined : releaseImageOf(registry, source);
    const out = {};
    for (const [process, imageId] of Object.entries(images)) {
        const k = known?.[process];
        if (k && k.imageId === imageId) {
            out[process] = { imageId, manifestDigest: k.manifestDigest, repository: k.repository };
            continue;
        }
        const found = await registry.findImage(`${source.name}/${process}`, imageId);
        if (!found) {
            throw new errors/* DeployError */.sH(`${source.name} v${chosen.version}: the ${process} image ${imageId} is not in the registry repository ${source.name}/${process}, so it cannot be copied to the targets (a heroku.yml build's images may not be readable from the registry). Release the same images on each app with method: container instead.`);
        }
        out[process] = { imageId, manifestDigest: found.manifestDigest, repository: found.repository };
    }
    if (Object.keys(out).length === 0) {
        throw new errors/* DeployError */.sH(`${source.name} v${chosen.version}: its images are not known (the formation shows only the current release's images), so nothing can be promoted; promote the current release, or deploy the targets with method: container.`);
    }
    const repository = await releaseImage;
    if (repository && !('release' in out))
        warnOfReleaseImage(c, source, chosen, repository);
    return out;
}
/**
 * The formation lists no `release` process type, so a release image the source ran is known only
 * when this run released it. When the source's registry has one, the targets' new releases would
 * run no release phase (no migrations): say so before anything changes.
 */
/** `<app>/release` when the source's registry has a `latest` release image, else undefined. */
async function releaseImageOf(registry, source) {
    const repository = `${source.name}/release`;
    const found = await registry.resolveImage(repository, 'latest').catch(() => undefined);
    return found ? repository : undefined;
}
function warnOfReleaseImage(c, source, chosen, repository) {
    const text = `${source.name} has a release image (${repository}:latest), but Heroku's formation does not say which release image v${chosen.version} ran, so the targets' new releases run no release phase. Deploy with promote: true (it carries the release image it released), or run the release step on the targets yourself.`;
    core.warning(text);
    addNote(c.outcome, text);
}
/**
 * One target: copy the images, release them, check the release runs exactly them, gate, roll
 * back on failure. Throws the target's failure (the caller records it beside the others).
 */
async function promoteImagesTo(c, t, chosen, images) {
    const name = t.app.name;
    const registry = registryFor(c);
    // Copied under a tag of this promotion, not `latest`: until the target passes its gate,
    // `latest` (what `heroku container:release` would release) stays what it was.
    const tag = `heroku-pipeline-action-v${chosen.version}`;
    const copies = await phase(c, 'promotion', name, async () => {
        // The process types' images are copied side by side; the log keeps their order. Every copy
        // is waited for, so none is left running when one fails.
        const copies = await (0,wait/* allSettledOrFirstError */.mO)(Object.entries(images).map(async ([process, image]) => {
            const to = `${name}/${process}`;
            const copied = await registry.copyImage(image.repository, image.manifestDigest, to, tag);
            return { process, image, to, how: copied.blobs.map((b) => b.how) };
        }));
        for (const { process, image, to, how } of copies) {
            core.info(`[${name}] ${process}: copied ${image.repository}@${image.manifestDigest.slice(0, 19)} to ${to}:${tag} (${how.filter((h) => h === 'mounted').length} blobs mounted, ${how.filter((h) => h === 'copied').length} copied, ${how.filter((h) => h === 'exists').length} there already).`);
        }
        return copies;
    });
    const imageIds = Object.fromEntries(Object.entries(images).map(([p, i]) => [p, i.imageId]));
    const done = await phase(c, 'release-phase', name, () => releaseImageIds(c, t.app, imageIds, name));
    const release = done.release;
    t.result.release = await releaseInfo(c.heroku, t.app.id, release, { slugId: undefined, commit: chosen.commit, releaseId: release.id, images: imageIds }, t.app.kind);
    if (release.status !== 'succeeded')
        throw imageReleaseFailed(t.app, release, t.result, done.tail);
    // The release found is the target's newest: another release of images made at the same time
    // may be it. That one is not this run's to gate, let alone roll back.
    try {
        await confirmReleasedImages(c, t.app, release, imageIds);
    }
    catch (err) {
        if (!(err instanceof errors/* DeployError */.sH))
            throw err;
        t.result.liveAfter = await releaseInfo(c.heroku, t.app.id, release, undefined, t.app.kind);
        t.result.release = undefined;
        t.result.error = err.message;
        throw err;
    }
    // What the target runs now, as Heroku says it (the formation's image IDs), must be the
    // verified images: read it rather than trust what was sent. No images read (the release is no
    // longer current) is no proof, and fails the check.
    const running = await releaseInfo(c.heroku, t.app.id, release, undefined, t.app.kind);
    // A target that already ran the images keeps its release: the preboot wait counts from when
    // that went live.
    const liveSince = done.unchanged ? wentLiveAt(release, c.clock.now()) : undefined;
    await verifyAndGate(c, t, chosen, release.version, running, liveSince);
    // Not yet: a bake or rollback-all may still roll this target back.
    t.tagLatest = () => tagVerifiedLatest(c, registry, name, copies);
}
/**
 * The promotion has ended: every container target still on the release it verified gets its
 * `latest` moved to those images; the ones rolled back keep theirs.
 */
async function tagLatestOfVerified(c, targets) {
    // The one verdict says which targets ended well (not rolled back, no error, gate passed).
    const still = targets.filter((t) => t.tagLatest &&
        (0,verdict/* appFailure */.U_)(t.result, c.outcome.command) === undefined &&
        t.result.liveAfter?.id === t.result.release?.id);
    await Promise.all(still.map((t) => t.tagLatest()));
}
/**
 * The target passed its gate: its repositories' `latest` becomes the verified images (a copy
 * within the repository: the blobs are there). Not critical to the release: a warning.
 */
async function tagVerifiedLatest(c, registry, name, copies) {
    try {
        await (0,wait/* allSettledOrFirstError */.mO)(copies.map(({ image, to }) => registry.copyImage(to, image.manifestDigest, to, 'latest')));
        core.info(`[${name}] latest now names the verified images.`);
    }
    catch (err) {
        const text = `${name}: its release is verified, but its registry's latest tag could not be moved to the verified images (${(0,errors/* errorMessage */.gJ)(err)}); heroku container:release would release what latest named before.`;
        core.warning(text);
        addNote(c.outcome, text);
    }
}

;// CONCATENATED MODULE: ./src/health/bake.ts



/** Watches one app for `seconds`, a round every `check.intervalSeconds`. */
async function bake(dynos, subject, check, seconds, opts = {}) {
    const sleep = opts.sleep ?? clock/* realSleep */.uk;
    const now = opts.now ?? clock/* realNow */.p1;
    const probe = opts.probe ?? probeOnce;
    const criteria = compileCriteria({ ...check, bodyPattern: subject.expectedBody });
    const gap = Math.max(1, check.intervalSeconds) * 1000;
    const until = now() + seconds * 1000;
    const probes = [];
    const failed = (reason) => ({ seconds, probes, passed: false, reason });
    for (;;) {
        opts.signal?.throwIfAborted();
        // One-off and release dynos are not the release's formation: a `heroku run` session or a
        // scheduled job on an older release, or one that crashed, says nothing about the release.
        const listed = sortedDynos(await dynos.listDynos(subject.app), 'dynos', subject.formation);
        const crashed = listed.find((d) => d.state === 'crashed');
        if (crashed)
            return failed(`${subject.name}: dyno ${crashed.name} crashed during the bake`);
        const moved = listed.find((d) => d.release !== undefined && d.release.version !== subject.version);
        if (moved && moved.release) {
            return failed(`${subject.name}: dyno ${moved.name} runs v${moved.release.version}, not v${subject.version}, during the bake`);
        }
        if (subject.url !== undefined) {
            const answer = await probe(subject.url, criteria, {
                timeoutMs: defaultProbeTimeoutMs(check.intervalSeconds),
                now,
                signal: opts.signal
            });
            probes.push(answer);
            opts.onProbe?.(answer);
            if (!answer.ok) {
                const what = answer.error ?? `status ${answer.status ?? 'none'}`;
                return failed(`${subject.name}: a probe failed during the bake (${what})`);
            }
        }
        const left = until - now();
        if (left <= 0)
            return { seconds, probes, passed: true };
        await sleep(Math.min(gap, left), opts.signal);
    }
}

;// CONCATENATED MODULE: ./src/commands/waves.ts
/**
 * Promotion in waves (`waves`, `wave-bake-time`, `wave-failure`): one promotion per wave of the
 * same verified release, in order; a wave starts only when every app of the one before is
 * healthy and stayed so through its bake. A failed wave starts no later wave; with
 * `rollback-all` every app this run promoted goes back to what it ran before.
 */










/** The dry run's lines for the wave plan. */
function wavePlan(c, waves) {
    const { waveBakeSeconds, waveFailure } = c.settings;
    return [
        ...waves.map((wave, i) => `Wave ${i + 1}: ${wave.map((t) => t.app.name).join(', ')}` +
            (waveBakeSeconds > 0 && i < waves.length - 1 ? `, then bake ${waveBakeSeconds} s` : '')),
        waveFailure === 'stop'
            ? 'If a wave fails: a failed wave stops the promotion; its failed apps are rolled back, later waves do not start.'
            : 'If a wave fails: a failed wave stops the promotion and every app this run promoted is rolled back to the release it ran before (rollback-all).'
    ];
}
/**
 * Runs the waves in order. `promoteWave` promotes one wave's apps (deployments, promotion,
 * release phases, gates, rollback of what fails) and pushes a message into `failures` for each
 * app that failed; it never throws for an app's failure.
 */
async function promoteInWaves(c, waves, failures, promoteWave) {
    const { outcome, settings } = c;
    const results = waves.map((wave) => ({
        apps: wave.map((t) => t.app.name),
        status: 'not-started'
    }));
    outcome.waves = results;
    waves.forEach((wave, i) => wave.forEach((t) => (t.result.wave = i + 1)));
    for (const [i, wave] of waves.entries()) {
        const result = results[i];
        const names = result.apps.join(', ');
        core.info(`Wave ${i + 1} of ${waves.length}: ${names}`);
        result.startedAt = c.clock.now();
        // Not healthy until it is known to be: a run cancelled now reports this wave as failed.
        result.status = 'failed';
        const failedBefore = failures.length;
        // A wave can also end in an error of its own (its promotion refused, stuck past
        // wait-timeout, a rollback during its bake that Heroku refused): that wave failed too, and
        // rollback-all still runs before the error is reported.
        let thrown;
        const caught = (err) => {
            thrown = (0,errors/* asError */.zR)(err);
        };
        const promotionBefore = outcome.promotionId;
        await promoteWave(wave, i).catch(caught);
        // Only a promotion this wave made is its own (a refused one leaves the last wave's id).
        if (outcome.promotionId !== promotionBefore)
            result.promotionId = outcome.promotionId;
        let failed = thrown !== undefined || failures.length > failedBefore;
        const last = i === waves.length - 1;
        if (!failed && settings.waveBakeSeconds > 0 && !last) {
            // The bake's result is kept even when a rollback after it fails.
            await bakeWave(c, wave, settings.waveBakeSeconds, (bake) => {
                result.bake = bake;
            }).catch(caught);
            failed = thrown !== undefined;
            if (result.bake && !result.bake.passed) {
                failed = true;
                failures.push(result.bake.reason ?? `wave ${i + 1} failed its bake.`);
            }
        }
        result.endedAt = c.clock.now();
        if (!failed) {
            result.status = 'healthy';
            await c.events.progress(outcome);
            continue;
        }
        result.status = 'failed';
        if (thrown) {
            // The wave's apps that nothing else failed (never promoted, never gated) carry its error.
            for (const t of wave) {
                if (!t.result.health)
                    t.result.error ??= `wave ${i + 1} failed: ${thrown.message}`;
            }
        }
        let rollbackFailure;
        if (settings.waveFailure === 'rollback-all') {
            await rollBackAll(c, waves.slice(0, i + 1), results).catch((err) => {
                rollbackFailure = (0,errors/* asError */.zR)(err);
            });
        }
        const unstarted = results.slice(i + 1).map((r) => r.apps.join(', '));
        if (unstarted.length > 0) {
            core.info(`Wave ${i + 1} failed: not starting ${unstarted.map((u) => `[${u}]`).join(', ')}.`);
        }
        // Both errors are reported: the wave's as the run's error, the rollback's as a note.
        if (thrown && rollbackFailure)
            addNote(outcome, `rollback-all did not finish: ${rollbackFailure.message}`);
        await c.events.progress(outcome);
        const error = thrown ?? rollbackFailure;
        if (error)
            throw error;
        return;
    }
}
/**
 * Watches every app of a healthy wave for `seconds` and hands the result to `onBaked`; apps
 * whose bake fails are then rolled back.
 */
async function bakeWave(c, wave, seconds, onBaked) {
    const baked = await phase(c, 'health', `bake ${wave.map((t) => t.app.name).join(', ')}`, () => Promise.all(wave.map(async (t) => {
        const check = t.health;
        const url = check.target === undefined ? undefined : resolveHealthUrl(check.target, t.app.webUrl);
        const outcome = await bake({ listDynos: (id) => (0,pacer/* asPoll */.Et)(() => c.heroku.listDynos(id)) }, {
            app: t.app.id,
            name: t.app.name,
            version: t.result.release?.version ?? 0,
            url,
            expectedBody: t.result.health?.expectedBody,
            formation: t.app.facts?.formation
        }, check, seconds, {
            now: c.clock.now,
            sleep: c.clock.sleep,
            probe: c.probe,
            onProbe: (p) => core.info(`[${t.app.name}] bake probe: ${p.status ?? 'no answer'}${p.ok ? ' (pass)' : ''}`)
        });
        return [t, outcome];
    })), (all) => all.every(([, b]) => b.passed));
    const failedApps = baked.filter(([, b]) => !b.passed);
    onBaked({
        seconds,
        probes: baked.flatMap(([, b]) => b.probes),
        passed: failedApps.length === 0,
        ...(failedApps.length > 0 ? { reason: failedApps.map(([, b]) => b.reason).join(' ') } : {})
    });
    // Independent apps: their rollbacks and re-gates run at once, and all end before a failure
    // of one is reported.
    await (0,wait/* allSettledOrFirstError */.mO)(failedApps.map(([t, b]) => rollbackIfWanted(c, t, new Error(b.reason))));
}
/**
 * `rollback-all`: every app of the waves that ran and is still on this run's release goes back
 * to the release it ran before this run, each re-gated. The failing wave's healthy apps too:
 * the run leaves no app on a release it gave up on.
 */
async function rollBackAll(c, ran, results) {
    // Only apps on a release this run made (a release that failed its release phase never went
    // live; images an app already ran make no new release, as rollbackIfWanted also checks), all
    // waves at once: the rollbacks are independent.
    const promoted = ran.flat().filter((t) => !t.result.rolledBack &&
        // rollback-on-failure false leaves a failed app's release live; the earlier waves' apps,
        // which passed, are what rollback-all asks for.
        (c.settings.rollbackOnFailure || t.result.error === undefined) &&
        // A rollback Heroku already made a (failed) release for is not asked for again.
        !t.result.rollbackFailed &&
        t.result.release?.status === 'succeeded' &&
        t.result.before &&
        t.result.before.id !== t.result.release.id);
    // Every rollback ends before a failure of one is reported, and the waves say what was rolled
    // back either way.
    const ended = await Promise.allSettled(promoted.map((t) => phase(c, 'rollback', t.app.name, () => rollbackTo(c, t.app, t.result, t.result.before, t.health, t.app.name))));
    // A wave is rolled back when every app asked was; one whose rollback failed (it still runs
    // this run's release) or did not happen (another deploy replaced it) leaves it failed.
    for (const [i, wave] of ran.slice(0, -1).entries()) {
        const asked = wave.filter((t) => promoted.includes(t));
        if (asked.some((t) => !t.result.rolledBack))
            results[i].status = 'failed';
        else if (wave.some((t) => t.result.rolledBack))
            results[i].status = 'rolled-back';
    }
    const failure = ended.find((e) => e.status === 'rejected');
    if (failure)
        throw failure.reason;
}

;// CONCATENATED MODULE: ./src/commands/promote-resolve.ts
/**
 * What a promotion promotes, and where: the source app and the targets (resolved and checked
 * before any change), the release (the `release` input, or the source's current release, gated
 * first), and the check that every gate can identify that release.
 */







/**
 * The source (the app a deploy just verified, or the `app`/`pipeline` input) and the targets
 * (the `targets`/`waves` input, or the pipeline's production apps), each target's gate facts
 * read and checked.
 */
async function resolvePromotion(c, deployed) {
    const { settings, heroku, outcome } = c;
    // With a deploy the source (and its pipeline) is known and checked already.
    const source = deployed ?? (await resolveAppInput(c, 'nothing to promote to'));
    if (!outcome.pipeline)
        throw new errors/* InputError */.dz('app', `${source.name} is in no pipeline: nothing to promote to.`);
    const couplings = await heroku.listCouplings(outcome.pipeline.id);
    const pipelineName = outcome.pipeline.name;
    // With waves, the apps come from `waves`: errors name that input.
    const input = settings.waves.length > 0 ? 'waves' : 'targets';
    let targets;
    if (settings.targets.length === 0) {
        const production = await appsOfStage(heroku, couplings, 'production', settings.health);
        if (production.length === 0) {
            throw new errors/* InputError */.dz('targets', `Input targets is empty and pipeline ${pipelineName} has no production app.`);
        }
        targets = production.map((app) => ({
            app,
            health: settings.health,
            result: newAppResult(app, c.clock.now())
        }));
    }
    else {
        targets = await Promise.all(settings.targets.map(async (t) => {
            const app = await heroku.getApp(t.app).catch((err) => {
                throw new errors/* InputError */.dz(input, `Target ${t.app} could not be read: ${String(err.message)}`);
            });
            const coupling = couplings.find((cp) => cp.app.id === app.id);
            if (!coupling)
                throw new errors/* InputError */.dz(input, `Target ${app.name} is not in pipeline ${pipelineName}.`);
            const resolved = await resolveGateFacts(heroku, resolvedApp(app, stageOf(coupling)), t.health);
            return { app: resolved, health: t.health, result: newAppResult(resolved, c.clock.now()) };
        }));
    }
    for (const t of targets) {
        // Images go to container apps only, slugs and OCI images through the pipeline to their kind.
        if ((t.app.kind === 'container') !== (source.kind === 'container')) {
            throw new errors/* InputError */.dz(input, `Target ${t.app.name} is ${describeKind(t.app)} and the source ${source.name} is ${describeKind(source)}: a release can only be promoted to apps of the same kind.`);
        }
    }
    const ids = new Set();
    for (const t of targets) {
        if (t.app.id === source.id) {
            throw new errors/* InputError */.dz(input, `Target ${t.app.name} is the source app itself: an app cannot be promoted to itself.`);
        }
        if (ids.has(t.app.id))
            throw new errors/* InputError */.dz(input, `Target ${t.app.name} is named twice.`);
        ids.add(t.app.id);
    }
    core.info(`Source: ${source.name}; targets: ${targets.map((t) => `${t.app.name} (${t.app.stage})`).join(', ')}`);
    return { source, targets };
}
/** The `release` input, or the source's current release (gated first when a health check is set). */
async function chooseRelease(c, source, result, targets) {
    const { settings, heroku } = c;
    let release;
    if (settings.release) {
        const ref = 'id' in settings.release ? settings.release.id : settings.release.version;
        release = await heroku.getRelease(source.id, ref).catch((err) => {
            throw new errors/* InputError */.dz('release', `Release ${String(ref)} of ${source.name} could not be read: ${err.message}`);
        });
        if (release.status !== 'succeeded') {
            throw new errors/* InputError */.dz('release', `Release v${release.version} of ${source.name} is ${release.status}, not succeeded.`);
        }
    }
    else {
        const current = await heroku.currentRelease(source.id);
        if (!current)
            throw new errors/* DeployError */.sH(`${source.name} has no release to promote.`);
        if (current.status !== 'succeeded') {
            throw new errors/* DeployError */.sH(`${source.name}'s current release v${current.version} is ${current.status}: not promoting it.`);
        }
        release = current;
    }
    const info = await releaseInfo(heroku, source.id, release, undefined, source.kind);
    result.release = info;
    result.before = info;
    result.liveAfter = info;
    if (settings.release || info.images) {
        // What the source runs now: another release than the chosen one is named, not promoted.
        // (A container source's images were read from its formation just now: they must still
        // be the chosen release's.)
        const current = await heroku.currentRelease(source.id);
        if (current && current.id !== release.id) {
            if (!settings.release) {
                throw new errors/* DeployError */.sH(`${source.name} released v${current.version} while v${release.version}'s images were read, so which release they belong to is not certain: not promoting. Run again.`);
            }
            result.liveAfter = await releaseInfo(heroku, source.id, current, undefined, source.kind);
            addNote(c.outcome, `${source.name} runs v${current.version}; v${release.version} was chosen with the release input and is the one promoted, v${current.version} is not.`);
        }
    }
    core.info(`Promoting ${source.name} v${info.version} (commit ${info.commit ?? 'unknown'}).`);
    // Without an explicit release, the source's current release is what we vouch for: gate it.
    const gateSource = !settings.release && Boolean(settings.health.target);
    refuseUnknownCommit(source, info, [
        ...(gateSource ? [{ app: source, health: settings.health }] : []),
        ...targets
    ]);
    if (gateSource && !settings.dryRun) {
        const health = await gatePhase(c, source, result, info, `Health gate on the source ${source.name} v${info.version}`, wentLiveAt(release, c.clock.now()));
        if (!health.passed)
            throw gateFailure(source, info.version, health);
    }
    return info;
}
/**
 * A `{commit}` marker in any gate of the promotion (the source's, a target's) needs the
 * release's source commit: without one every probe would fail, so that is an input error,
 * before the first gate or change.
 */
function refuseUnknownCommit(source, release, gated) {
    for (const g of gated) {
        const problem = (0,health_marker/* unknownCommitProblem */.$i)(g.health, release.commit, `${source.name} v${release.version}${g.app.id === source.id ? '' : `, the release promoted to ${g.app.name},`}`, source.kind === 'container');
        if (problem)
            throw new errors/* InputError */.dz('health-check-body', `Input 'health-check-body' ${problem}.`);
    }
}

;// CONCATENATED MODULE: ./src/commands/promote.ts
/**
 * `promote`: promote exactly one source release (the one a deploy verified, the `release` input,
 * or the source's current one) to the targets through a pipeline promotion naming that release;
 * follow and gate every target in parallel; roll back precisely the targets that fail.
 */











/** Resolves and checks the promotion's source and targets, as a phase of its own. */
function resolvePromotionPhase(c, source) {
    return groupedPhase(c, 'resolve', 'Resolve the promotion', undefined, () => resolvePromotion(c, source));
}
/**
 * Promotes the verified release (or the chosen one) to the targets. `resolved`: the promotion
 * resolved before the deploy changed anything (deploy with promote: true), so that a target
 * the promotion cannot use is an input error before the staging build.
 */
async function promote(c, verified, resolved) {
    const { settings, outcome } = c;
    const { source, targets } = resolved ?? (await resolvePromotionPhase(c, verified?.app));
    // The release to promote: the verified one, the `release` input, or the source's current one.
    // (chooseRelease checks that every gate can identify its release before its first gate.)
    let chosen;
    if (verified) {
        chosen = verified.release;
        refuseUnknownCommit(source, chosen, targets);
    }
    else {
        const sourceResult = newAppResult(source, c.clock.now());
        outcome.app = sourceResult;
        chosen = await chooseRelease(c, source, sourceResult, targets);
    }
    await core.group('What is live on the targets', async () => {
        await Promise.all(targets.map(async (t) => {
            t.result.before = await recordLive(c.heroku, t.app);
            core.info(`${t.app.name}: ${t.result.before ? `v${t.result.before.version}` : 'no release yet'}`);
        }));
    });
    outcome.targets = targets.map((t) => t.result);
    // Container apps: where the verified images are in the registry, found before any change.
    const sourceImages = source.kind === 'container'
        ? await core.group(`Images of ${source.name} v${chosen.version}`, () => findSourceImages(c, source, chosen, verified ? outcome.app?.images : undefined))
        : undefined;
    // With `waves`, the resolved targets grouped as the settings group them (same order).
    const waves = groupIntoWaves(targets, settings.waves.map((w) => w.length));
    if (settings.dryRun) {
        outcome.plan = [
            ...(outcome.plan ?? []),
            `Promote ${source.name} v${chosen.version} (${describeIdentity(chosen)}, commit ${chosen.commit ?? 'unknown'})`,
            ...targets.map((t) => `  to ${t.app.name}: now ${t.result.before ? `v${t.result.before.version} (commit ${t.result.before.commit ?? 'unknown'})` : 'no release'}` +
                `, health gate: ${gatePlan(t.app, t.health)}`),
            ...(waves ? wavePlan(c, waves) : [])
        ];
        outcome.status = 'planned';
        return;
    }
    if (!releaseIdentity(chosen)) {
        // Nothing would tell a target's new release apart: never verify by comparing two unknowns.
        throw new errors/* DeployError */.sH(`${source.name} v${chosen.version} has no slug or OCI image: its promotion could not be verified on the targets, so it is not promoted.`);
    }
    const pipelineId = outcome.pipeline?.id;
    if (!pipelineId)
        throw new errors/* DeployError */.sH(`${source.name} is in no pipeline.`);
    // Every target in parallel, each as soon as its release exists: release phase (streamed,
    // prefixed by the app), slug check, dynos, health; roll back what fails.
    const failures = [];
    const verify = (t, state) => guard(t, () => verifyTarget(c, t, chosen, state));
    const guard = async (t, work) => {
        try {
            await work();
        }
        catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            t.result.error = message;
            failures.push(message);
            if (err instanceof errors/* DeployError */.sH && err.logTail && !outcome.logTail)
                outcome.logTail = err.logTail;
        }
        finally {
            t.result.endedAt = c.clock.now();
        }
    };
    // One promotion of `chosen` to `some` targets: their deployments, the promotion (or the image
    // copy for container apps), every target followed, verified and gated in parallel.
    const promoteTo = async (some) => {
        await Promise.all(some.map((t) => 
        // The deployment is of the promoted commit, not of the workflow's.
        startDeployment(c, t.result, t.app.stage, false, t.app.stage === 'production', {
            commit: chosen.commit
        })));
        await c.events.progress(outcome);
        await core.group(`Promote ${source.name} v${chosen.version} to ${some.map((t) => t.app.name).join(', ')}`, async () => {
            if (sourceImages) {
                core.info(`${CONTAINER_PROMOTION_LIMIT}: copying the verified images to each target's registry repositories and releasing them there.`);
                await Promise.all(some.map((t) => guard(t, () => promoteImagesTo(c, t, chosen, sourceImages))));
                return;
            }
            const promotion = await createPromotion(c, pipelineId, source, chosen, some);
            outcome.promotionId = promotion.id || undefined;
            await followPromotion(c, promotion.id, some, verify);
        });
        await c.events.progress(outcome);
    };
    try {
        if (waves) {
            await promoteInWaves(c, waves, failures, async (wave, i) => {
                // A later wave starts minutes after the run began (gates, bakes): what its apps run now
                // is what a rollback must restore, or a change made there meanwhile would be undone.
                if (i > 0)
                    await refreshLive(c, wave);
                await promoteTo(wave);
            });
        }
        else
            await promoteTo(targets);
    }
    finally {
        await tagLatestOfVerified(c, targets);
    }
    if (failures.length > 0) {
        const rolled = targets.filter((t) => t.result.rolledBack).map((t) => t.app.name);
        throw new errors/* DeployError */.sH(`${failures.length} of ${targets.length} target(s) failed: ${failures.join(' ')}` +
            (rolled.length ? ` Rolled back: ${rolled.join(', ')}.` : ''));
    }
    outcome.status = 'promoted';
}
/**
 * The targets cut into waves of the given sizes (the settings' waves, resolved in the same
 * order), or undefined without waves.
 */
function groupIntoWaves(targets, sizes) {
    if (sizes.length === 0)
        return undefined;
    let next = 0;
    return sizes.map((size) => targets.slice(next, (next += size)));
}
/** Heroku's documented limitation (Dev Center, quoted in heroku/roadmap#222). */
const CONTAINER_PROMOTION_LIMIT = 'Heroku cannot promote container-stack apps through a pipeline ("it is not possible (via UI or API) to promote an app that uses the container stack")';
/** Reads again what `targets` run now, saying which changed since the run recorded them. */
async function refreshLive(c, targets) {
    await Promise.all(targets.map(async (t) => {
        const was = t.result.before;
        const now = await recordLive(c.heroku, t.app);
        if (now && was && now.id !== was.id) {
            core.info(`${t.app.name}: now v${now.version} (v${was.version} when the run began); a rollback restores v${now.version}.`);
        }
        t.result.before = now;
    }));
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
        // One target with the new release means Heroku took the promotion: sending it again
        // would release it twice there (and run its release phase twice). The others follow.
        const arrived = await Promise.all(targets.map((t) => newReleaseCarrying(c, t, chosen)));
        const found = arrived.filter((r) => r !== undefined).length;
        if (found > 0) {
            core.info(`The promotion request lost its answer, but ${found === targets.length ? 'every target has' : `${found} of ${targets.length} targets have`} the new release: it arrived, and is not sent again.`);
            return { id: '', status: 'pending' };
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
    // Why following the promotion stopped early (the wait-timeout, or Heroku failing to answer).
    let stopped;
    if (promotionId) {
        await phase(c, 'promotion', `${targets.length} target(s)`, () => (0,wait/* waitUntil */.a0)(async () => {
            const list = await c.heroku.listPromotionTargets(promotionId);
            for (const state of list) {
                const t = byId.get(state.app.id);
                if (t && (state.release?.id || state.status !== 'pending'))
                    start(t, state);
            }
            return list;
        }, (list) => list.length > 0 && list.every((t) => t.status !== 'pending'), {
            what: `promotion ${promotionId}`,
            ...waitBudget(c),
            // The targets' releases take a moment to appear: a poll right away finds none, but
            // each target's gate starts from the poll that finds its release, so look soon.
            initialDelayMs: 150,
            minIntervalMs: 250,
            maxIntervalMs: 3000
        })).catch((err) => {
            stopped = (0,errors/* asError */.zR)(err);
        });
    }
    if (stopped !== undefined) {
        // The gates and rollbacks already under way are finished before the run reports, whatever
        // stopped the wait; the targets whose release never appeared are left to Heroku and named.
        const pending = targets.filter((t) => !started.has(t.app.id));
        await Promise.all(started.values());
        const timedOut = stopped instanceof errors/* TimeoutError */.MU ? stopped : undefined;
        for (const t of pending) {
            t.result.error = timedOut
                ? `still pending on Heroku when wait-timeout ended; its release may still come`
                : `its promotion could not be followed (${(0,errors/* errorMessage */.gJ)(stopped)}); its release may still come`;
            t.result.endedAt = c.clock.now();
        }
        if (!timedOut)
            throw stopped;
        throw new errors/* DeployError */.sH(`${timedOut.message}.` +
            (pending.length > 0
                ? ` Still pending: ${pending.map((t) => t.app.name).join(', ')} (Heroku may still release them).`
                : '') +
            (started.size > 0 ? ' The gates and rollbacks already started were finished first.' : ''));
    }
    for (const t of targets)
        start(t, undefined);
    await Promise.all(started.values());
}
/** The target's newest release if it is newer than the recorded one and carries `chosen`'s slug or image. */
async function newReleaseCarrying(c, t, chosen) {
    const newest = (await c.heroku.listReleases(t.app.id, 1))[0];
    if (!newest || newest.version <= (t.result.before?.version ?? 0))
        return undefined;
    return releaseCarries(newest, chosen) ? newest : undefined;
}
/**
 * Without the promotion's id (its answer was lost, so its targets' statuses cannot be read), a
 * target's release of it is awaited on the target itself. Heroku releases the targets within
 * seconds of each other, so the wait is bounded (at most 2 minutes, and wait-timeout): a target
 * whose release did not come is named, not waited on for an hour.
 */
const UNFOLLOWED_PROMOTION_WAIT_MS = 120_000;
async function awaitReleaseCarrying(c, t, chosen) {
    const budget = waitBudget(c);
    const timeoutMs = Math.min(budget.timeoutMs, UNFOLLOWED_PROMOTION_WAIT_MS);
    try {
        return await (0,wait/* waitUntil */.a0)(() => newReleaseCarrying(c, t, chosen), (r) => r !== undefined, {
            what: `${t.app.name}'s release of the promotion (its answer was lost)`,
            timeoutMs,
            now: budget.now,
            sleep: budget.sleep,
            minIntervalMs: 500,
            maxIntervalMs: 5000
        });
    }
    catch (err) {
        if (!(err instanceof errors/* TimeoutError */.MU))
            throw err;
        t.result.liveAfter = t.result.before;
        throw new errors/* DeployError */.sH(`${t.app.name}: no release of the promotion appeared within ${Math.round(timeoutMs / 1000)} s (its answer was lost, so Heroku's status for this target is unknown); Heroku may still release it.`);
    }
}
async function verifyTarget(c, t, chosen, state) {
    const name = t.app.name;
    let releaseId = state?.release?.id;
    if (!releaseId) {
        const found = state
            ? await newReleaseCarrying(c, t, chosen)
            : await awaitReleaseCarrying(c, t, chosen);
        releaseId = found?.id;
    }
    if (state?.status === 'failed' && !releaseId) {
        t.result.liveAfter = t.result.before;
        throw new errors/* DeployError */.sH(`${name}: the promotion failed: ${state.error_message ?? 'no reason given'}.`);
    }
    if (!releaseId) {
        t.result.liveAfter = t.result.before;
        throw new errors/* DeployError */.sH(`${name}: the promotion made no release.`);
    }
    const { release, tail } = await phase(c, 'release-phase', name, () => waitForReleaseEnd(c, t.app, releaseId, true, name));
    // The promoted slug's (or OCI image's) commit is known: read only if the release carries another.
    t.result.release = await releaseInfo(c.heroku, t.app.id, release, { slugId: chosen.slugId, commit: chosen.commit, ociImageId: chosen.ociImageId }, t.app.kind);
    if (release.status !== 'succeeded') {
        t.result.liveAfter = t.result.before;
        throw new errors/* DeployError */.sH(`${name}: release v${release.version} ${release.status === 'failed' ? 'failed its release phase' : `ended ${release.status}`}` +
            `${state?.error_message ? ` (${state.error_message})` : ''}; ${t.result.before ? `v${t.result.before.version} is still live` : 'nothing is live'}.`, tail);
    }
    await verifyAndGate(c, t, chosen, release.version, t.result.release);
}

;// CONCATENATED MODULE: ./src/commands/review-app-live.ts
/**
 * What a PR's review app goes through once it exists, whichever way it was made (the Review
 * Apps API or an app setup): its GitHub Deployment, then the PR's commit built onto it when it
 * runs another one, then the gate.
 */








/** The review app's result in the outcome, and its (transient) GitHub Deployment started. */
async function startReviewAppResult(c, app, prNumber) {
    const result = newAppResult(app, c.clock.now());
    c.outcome.app = result;
    await startDeployment(c, result, reviewAppEnvironmentName(c.settings.reviewAppEnvironment, prNumber), true, false, { prNumber });
    await c.events.progress(c.outcome);
    return result;
}
/**
 * A late run for an older push (the PR has moved on to `headNow`): when the review app already
 * runs that newer commit, building this run's would put older code over it, so the run ends
 * `skipped`. Otherwise it builds as usual: no run may come for the newer push (a workflow
 * `paths` filter, `[skip ci]`), and this run's commit is then the newest code to deploy.
 */
async function leftToNewerHead(c, app, headNow) {
    if (headNow === undefined)
        return false;
    // The newer push's run may be building on the app right now: what it leaves live counts.
    const live = await recordLive(c.heroku, app, await waitForPendingWork(c, app));
    if (live?.commit !== headNow)
        return false;
    const pr = c.ctx.pullRequest;
    skipRun(c, `Review app ${app.name} already runs ${headNow.slice(0, 7)}, the commit pull request #${pr.number} has moved on to since this run's push (${pr.headSha.slice(0, 7)}): this run's older commit is not built over it.`);
    return true;
}
/**
 * Builds the PR's commit onto the review app unless it already runs it (after its creation from
 * this run's source it should; another run's build may have landed on it since), then gates
 * what is live; the run is `review-app-ready` when that passes.
 */
async function buildOntoAndGate(c, app, result, created) {
    const { settings, heroku } = c;
    // The releases listed while checking for pending work are still current: no second listing.
    const newest = await waitForPendingWork(c, app);
    let live = await recordLive(heroku, app, newest);
    if (live?.commit !== settings.version) {
        if (created)
            core.info(`Review app ${app.name} runs ${live?.commit ?? 'no known commit'} after its creation, not ${settings.version}: building ${settings.version} onto it.`);
        result.before = live;
        const build = await buildSource(c, app, result);
        const release = await followBuildRelease(c, app, result, build);
        live = await releaseInfo(heroku, app.id, release, builtRelease(build, release), app.kind);
    }
    else if (!created) {
        core.info(`Review app ${app.name} already runs ${settings.version}: no new build.`);
        // The config vars asked for still apply: their change is a release of its own, gated.
        const configRelease = await applyConfigVars(c, app);
        if (configRelease && live) {
            result.before = live;
            live = await releaseInfo(heroku, app.id, configRelease, sameCodeAs(live, configRelease.id), app.kind);
        }
    }
    if (!live)
        throw new errors/* DeployError */.sH(`Review app ${app.name} has no release.`);
    result.release = live;
    result.liveAfter = live;
    const health = await gatePhase(c, app, result, live);
    if (!health.passed)
        throw gateFailure(app, live.version, health);
    result.liveAfter = await liveAfterGate(c, app, live, health);
    result.endedAt = c.clock.now();
    c.outcome.status = 'review-app-ready';
}

// EXTERNAL MODULE: ./src/review-app-name.ts
var review_app_name = __webpack_require__(2921);
;// CONCATENATED MODULE: ./src/commands/review-app-setup-create.ts
/**
 * Making an app-setup review app (`review-app-setup.ts` decides when): the app setup from the
 * source tarball, its coupling at stage `review` right away, and following the setup to its end.
 */







/** The config var that marks an app as this action's review app of pull request `<n>`. */
const PR_MARKER = 'HEROKU_PIPELINE_ACTION_PR';
/** The app of that name, or undefined when there is none (404). */
async function findApp(c, name) {
    try {
        return await c.heroku.getApp(name);
    }
    catch (err) {
        if (err instanceof errors/* HerokuApiError */.vk && err.status === 404)
            return undefined;
        throw err;
    }
}
/**
 * Packages and uploads the source and starts the app setup (app in the staging app's team and
 * region; env = the review stage's config vars, then `review-app-env`, then the marker), then
 * couples the new app to the pipeline at stage `review` at once, so that even a setup that
 * fails or a run that is cancelled leaves an app the action recognises as its own.
 */
async function createSetupApp(c, pipeline, pr, name) {
    const { settings, heroku } = c;
    const [placement, stageVars] = await Promise.all([
        stagingPlacement(c, pipeline),
        heroku.getStageConfigVars(pipeline.id, 'review')
    ]);
    // Masked as review-app-env's values are (per line, too).
    for (const value of Object.values(stageVars))
        (0,context/* maskSecret */.$l)(value, (v) => core.setSecret(v));
    // config-vars are set before every build on a review app, the setup's included, so they win
    // as they do on later pushes: review stage, then review-app-env, then config-vars.
    const env = {
        ...stageVars,
        ...settings.reviewAppEnv,
        ...settings.configVars,
        [PR_MARKER]: String(pr.number)
    };
    const fromStage = Object.keys(stageVars);
    const fromInput = Object.keys(settings.configVars);
    core.info(`Config vars for ${name}: ${fromStage.length > 0 ? `the review stage's ${fromStage.join(', ')}; ` : ''}` +
        `${Object.keys(settings.reviewAppEnv).length > 0 ? `review-app-env's ${Object.keys(settings.reviewAppEnv).join(', ')}; ` : ''}` +
        `${fromInput.length > 0 ? `config-vars' ${fromInput.join(', ')}; ` : ''}` +
        `${PR_MARKER}=${pr.number} (values masked).`);
    const tarball = await packagePhase(c);
    let setup;
    try {
        const source = await uploadPhase(c, tarball);
        const body = {
            app: {
                name,
                ...(placement.team ? { organization: placement.team } : {}),
                ...(placement.region ? { region: placement.region } : {})
            },
            source_blob: {
                url: source.source_blob.get_url,
                checksum: tarball.checksum,
                version: settings.version || null
            },
            overrides: {
                env,
                ...(settings.buildpacks.length > 0
                    ? { buildpacks: settings.buildpacks.map((url) => ({ url })) }
                    : {})
            }
        };
        try {
            // After a lost answer the setup's id cannot be found; its app (by name) can.
            setup = await heroku.createAppSetup(body, async () => {
                const app = await findApp(c, name);
                return app ? { id: '', status: 'unknown', app: { id: app.id, name: app.name } } : undefined;
            });
        }
        catch (err) {
            if (err instanceof errors/* HerokuApiError */.vk &&
                err.status === 422 &&
                /already taken/i.test(err.message)) {
                // No app had the name a moment ago; one this key can see now was made in between: by
                // another run for this PR (two events at once). It is that run's to set up; this one
                // changed nothing, which is all it was for only if that run builds the same commit.
                const taken = await findApp(c, name);
                if (taken) {
                    if (await buildsVersion(c, taken.id))
                        return undefined;
                    throw new errors/* DeployError */.sH(`Another run created ${name} for PR #${pr.number} at the same moment, and no build of ${settings.version.slice(0, 7)} (this run's commit) showed up on it: this run changed nothing and did not build it. Re-run this job once that run has ended; a concurrency group per PR (see the example workflow) runs such runs one after the other.`);
                }
                throw new errors/* InputError */.dz(review_app_name/* REVIEW_APP_NAME_INPUT */.eD, `Input '${review_app_name/* REVIEW_APP_NAME_INPUT */.eD}': the app name ${name} is already taken on Heroku by an app this API key cannot see (${err.message}). Set ${review_app_name/* REVIEW_APP_NAME_INPUT */.eD} to a name that is free.`);
            }
            throw err;
        }
    }
    finally {
        await tarball.cleanup();
    }
    const appRef = setup.app;
    if (!appRef?.id)
        throw new errors/* DeployError */.sH(`App setup ${setup.id} answered without its app.`);
    const appName = appRef.name ?? name;
    if (!setup.id) {
        // The app exists but its setup cannot be followed. No app had this name just before this
        // run's request, so it is the one the request made (its config vars, the PR marker among
        // them, may not be set yet). Coupled, it stays within reach: once its setup has set the
        // marker, the next push builds onto it and closing the PR deletes it.
        c.outcome.reviewApp = {
            id: appRef.id,
            prNumber: pr.number,
            branch: pr.headRef,
            status: 'creating'
        };
        await coupleOrDelete(c, pipeline, appRef.id, appName);
        throw new errors/* DeployError */.sH(`The answer to the app setup request was lost: the app ${appName} exists and is coupled to ${pipeline.name} at stage review, but its setup cannot be followed. Once the setup has set its config vars (${PR_MARKER} among them), the next push builds onto it and closing the PR deletes it; if the setup fails before that, delete ${appName} on Heroku.`);
    }
    core.info(`App setup ${setup.id} is ${setup.status}: app ${appName}.`);
    await coupleOrDelete(c, pipeline, appRef.id, appName);
    return setup;
}
/** How long the loser of a name race looks for the winner's build (an app setup starts it). */
const RACE_BUILD_LOOK_MS = 15_000;
/** Whether a build of this run's commit shows up on `appId` (the app setup's own build). */
async function buildsVersion(c, appId) {
    const found = await (0,wait/* waitUntil */.a0)(async () => (await c.heroku.listBuilds(appId, 5)).some((b) => b.source_blob.version === c.settings.version), (seen) => seen, {
        what: "the other run's build",
        timeoutMs: RACE_BUILD_LOOK_MS,
        ...c.clock,
        maxIntervalMs: 2000
    }).catch((err) => {
        if (err instanceof errors/* TimeoutError */.MU)
            return false;
        throw err;
    });
    return found;
}
/**
 * Couples the new app at stage `review`. An app this run made that cannot be coupled would be
 * out of every later run's reach (no push builds onto it, closing the PR does not delete it,
 * the sweep never sees it) while it runs with the review stage's config vars: it is deleted.
 */
async function coupleOrDelete(c, pipeline, appId, appName) {
    try {
        await c.heroku.createPipelineCoupling({ app: appId, pipeline: pipeline.id, stage: 'review' });
    }
    catch (err) {
        const why = (0,errors/* errorMessage */.gJ)(err);
        // Coupled after all (an answer lost on the way back): nothing to undo. When that cannot be
        // read either, the app is left as it is (it may be a working, coupled review app).
        const coupling = await c.heroku.getAppCoupling(appId).catch((readErr) => {
            throw new errors/* DeployError */.sH(`Could not couple the new review app ${appName} to ${pipeline.name} (${why}), and could not read whether it is coupled (${(0,errors/* errorMessage */.gJ)(readErr)}); it is left as it is. If it is in no pipeline on Heroku, delete it, since no later run will manage it.`);
        });
        if (coupling?.pipeline.id === pipeline.id && coupling.stage === 'review') {
            core.info(`${appName} is coupled to ${pipeline.name} at stage review.`);
            return;
        }
        try {
            await c.heroku.deleteApp(appId);
        }
        catch (deleteErr) {
            throw new errors/* DeployError */.sH(`Could not couple the new review app ${appName} to ${pipeline.name} (${why}), nor delete it (${(0,errors/* errorMessage */.gJ)(deleteErr)}): delete ${appName} on Heroku, since no later run will manage it.`);
        }
        throw new errors/* DeployError */.sH(`Could not couple the new review app ${appName} to ${pipeline.name} (${why}); it was deleted, so nothing is left out of the action's reach. Run the workflow again.`);
    }
    core.info(`Coupled ${appName} to ${pipeline.name} at stage review.`);
}
/** The staging app's team and region, where the review app goes (none: the key's account). */
async function stagingPlacement(c, pipeline) {
    const staging = (await c.heroku.listCouplings(pipeline.id)).find((x) => x.stage === 'staging');
    if (!staging) {
        core.info(`Pipeline ${pipeline.name} has no staging app: the review app goes to this key's account, in Heroku's default region.`);
        return {};
    }
    const app = await c.heroku.getApp(staging.app.id);
    return { team: app.team?.name ?? undefined, region: app.region?.name ?? undefined };
}
/**
 * Follows the app setup to its end: streams its build's output, follows its release through
 * the release phase, shows the postdeploy output. A failed setup (its app is kept) is a
 * DeployError with Heroku's reason and the tail of the postdeploy or build output.
 */
async function followSetup(c, app, result, started) {
    const budget = waitBudget(c);
    const poll = () => c.heroku.getAppSetup(started.id);
    const ended = (s) => s.status !== 'pending';
    // The build appears once the source is fetched and app.json read.
    let setup = await (0,wait/* waitUntil */.a0)(poll, (s) => ended(s) || Boolean(s.build?.id), {
        what: `the build of app setup ${started.id}`,
        ...budget,
        maxIntervalMs: 3000
    });
    let buildTail = '';
    const buildId = setup.build?.id ?? undefined;
    if (buildId) {
        result.buildId = buildId;
        core.info(`Build ${buildId} started.`);
        const streamed = await streamBuildToEnd(c, app, buildId, setup.build?.output_stream_url, {
            budget,
            // The setup's build log may not exist yet when the setup names the build.
            notFoundRetryMs: 10_000
        });
        buildTail = streamed.tail;
        const build = streamed.build;
        result.buildStatus = build.status;
        if (build.status === 'succeeded' && build.release?.id) {
            const { release, tail } = await waitForReleaseEnd(c, app, build.release.id, true, undefined, budget);
            if (release.status !== 'succeeded')
                buildTail = tail || buildTail;
        }
    }
    setup = ended(setup)
        ? setup
        : await (0,wait/* waitUntil */.a0)(poll, ended, {
            what: `app setup ${started.id} of ${app.name}`,
            ...budget,
            maxIntervalMs: 3000,
            onPoll: (s) => core.debug(`app setup ${s.id}: ${s.status}`)
        });
    const postdeploy = setup.postdeploy;
    if (postdeploy && postdeploy.output !== null) {
        core.info(`Postdeploy script output (exit code ${postdeploy.exit_code ?? 'unknown'}):`);
        lineWriter()(postdeploy.output.endsWith('\n') ? postdeploy.output : `${postdeploy.output}\n`);
    }
    // A setup that says succeeded although its release did not (unknown whether Heroku does):
    // the app then runs no code of this commit, and buildOntoAndGate, which compares, builds it.
    if (setup.status === 'succeeded') {
        core.info(`App setup ${setup.id} succeeded.`);
        return;
    }
    const details = setupFailureDetails(setup);
    const failedPostdeploy = postdeploy && postdeploy.exit_code !== null && postdeploy.exit_code !== 0;
    const tail = failedPostdeploy ? review_app_setup_create_lastLines(postdeploy.output ?? '', 40) : buildTail;
    throw new errors/* DeployError */.sH(`The app setup of review app ${app.name} ended ${setup.status}: ${details}` +
        `${failedPostdeploy ? ` (the postdeploy script exited with ${postdeploy.exit_code})` : ''} (app setup ${setup.id}). ` +
        `The app is kept, coupled at stage review: the next push builds onto it, closing the PR deletes it.`, tail || undefined);
}
/** What Heroku says of a failed app setup: its failure message and app.json's errors. */
function setupFailureDetails(setup) {
    const details = [
        setup.failure_message,
        ...(setup.manifest_errors ?? []).map((e) => `app.json: ${e}`)
    ].filter((d) => Boolean(d));
    return details.length > 0 ? details.join('; ') : 'Heroku gave no reason';
}
function review_app_setup_create_lastLines(text, n) {
    const lines = text.replace(/\n$/, '').split('\n');
    return lines.slice(-n).join('\n');
}

;// CONCATENATED MODULE: ./src/commands/review-app-setup.ts
/**
 * Review apps without Heroku's GitHub connection (`review-app-method: app-setup`): the PR's
 * review app is a normal app made with `POST /app-setups` from the source tarball (so its
 * `app.json` applies: add-ons, env, scripts, formation, buildpacks), coupled to the pipeline at
 * stage `review`, later commits built onto it with the Build API, deleted with `DELETE /apps`
 * when the PR closes. `auto` picks this way when the pipeline has no review apps enabled.
 *
 * Safety: the action only ever builds onto or deletes an app that carries all three marks of
 * its own review apps: coupled to this pipeline at stage `review`, named by `review-app-name`,
 * and the config var `HEROKU_PIPELINE_ACTION_PR=<n>` set when it was created. An app of that
 * name without them is an error naming it, never adopted.
 */







/**
 * `review-app-method` for this run: as given, or for `auto` `api` when the pipeline has review
 * apps enabled (`GET /pipelines/{id}/review-app-config` answers 200), else `app-setup` (404).
 * The log and the summary's notes say which and why.
 */
async function chooseReviewAppMethod(c, pipeline) {
    const { settings, outcome } = c;
    if (settings.reviewAppMethod !== 'auto') {
        core.info(`review-app-method: ${settings.reviewAppMethod} (set by the input).`);
        return settings.reviewAppMethod;
    }
    const config = await c.heroku.getReviewAppConfig(pipeline.id);
    const note = config
        ? `review-app-method auto chose api (the Review Apps API): review apps are enabled on pipeline ${pipeline.name}.`
        : `review-app-method auto chose app-setup (an app setup coupled at stage review): review apps are not enabled on pipeline ${pipeline.name} (enabling them needs the pipeline connected to GitHub).`;
    core.info(note);
    outcome.notes.push(note);
    return config ? 'api' : 'app-setup';
}
function setupAppName(c, pipeline, pr) {
    return (0,review_app_name/* reviewAppName */.fw)(c.settings.reviewAppName, {
        pipeline: pipeline.name,
        pr: pr.number,
        branch: pr.headRef
    });
}
/**
 * `auto` on a closed PR that has no Review Apps API app: review apps may have been enabled on
 * the pipeline after its app was made by app setup. That app, if it carries all three marks,
 * is deleted as an app-setup close deletes it. Returns whether there was one.
 */
async function deleteEarlierSetupApp(c, pipeline) {
    const pr = c.ctx.pullRequest;
    const { name } = setupAppName(c, pipeline, pr);
    const app = await findApp(c, name);
    if (!app)
        return false;
    const why = await notOursBecause(c, pipeline, pr.number, app);
    if (why) {
        core.info(`${name} is not this action's review app of PR #${pr.number} (${why}): left alone.`);
        return false;
    }
    core.info(`PR #${pr.number} has an app-setup review app, ${name}, made before review apps were enabled: deleting it.`);
    await deleteOwnSetupApp(c, pr, app);
    return true;
}
/** `review-app` by app setup: create, rebuild or (on `closed`) delete the PR's app. */
async function reviewAppBySetup(c, pipeline, headNow) {
    const { settings, ctx, outcome } = c;
    const pr = ctx.pullRequest;
    const made = setupAppName(c, pipeline, pr);
    const name = made.name;
    if (made.shortenedFrom) {
        const note = `${review_app_name/* REVIEW_APP_NAME_INPUT */.eD} gives ${made.shortenedFrom} (${made.shortenedFrom.length} characters), longer than Heroku's 30: the app is named ${name} (shortened, ending in a hash of the full name).`;
        core.info(note);
        outcome.notes.push(note);
    }
    if (pr.action === 'closed') {
        await phase(c, 'review-app', 'delete', () => deleteSetupApp(c, pipeline, pr, name));
        return;
    }
    const existing = await findApp(c, name);
    if (existing)
        await checkOurs(c, pipeline, pr.number, existing, 'build onto');
    outcome.reviewApp = {
        id: existing?.id ?? name,
        prNumber: pr.number,
        branch: pr.headRef,
        status: existing ? 'exists' : 'none'
    };
    if (settings.dryRun) {
        outcome.plan = [
            existing
                ? `Build ${settings.version} onto review app ${name} of PR #${pr.number}`
                : `Create review app ${name} for PR #${pr.number} (${pr.headRef}) from ${settings.version} with an app setup, coupled to ${pipeline.name} at stage review`,
            settings.health.target
                ? `Health gate: ${settings.health.target}`
                : 'No health gate configured'
        ];
        outcome.status = 'planned';
        return;
    }
    let app;
    let result;
    let created = false;
    if (!existing) {
        const setup = await phase(c, 'review-app', 'create', () => createSetupApp(c, pipeline, pr, name));
        if (!setup) {
            skipRun(c, `Another run created ${name} for PR #${pr.number} at the same moment (two events at once) and is building this run's commit ${settings.version.slice(0, 7)} on it: that run sets it up and reports it; this one changed nothing. A concurrency group per PR (see the example workflow) runs them one after the other.`);
            return;
        }
        app = resolvedApp(await c.heroku.getApp(setup.app.id), 'review');
        outcome.reviewApp = { id: app.id, prNumber: pr.number, branch: pr.headRef, status: 'creating' };
        result = await startReviewAppResult(c, app, pr.number);
        const creating = outcome.reviewApp;
        await groupedPhase(c, 'review-app', `Follow the app setup of ${name}`, name, () => followSetup(c, app, result, setup)).catch((err) => {
            creating.status = 'failed';
            throw err;
        });
        outcome.reviewApp.status = 'created';
        created = true;
    }
    else {
        app = resolvedApp(existing, 'review');
        outcome.reviewApp = { id: app.id, prNumber: pr.number, branch: pr.headRef, status: 'created' };
        if (await leftToNewerHead(c, app, headNow))
            return;
        result = await startReviewAppResult(c, app, pr.number);
    }
    await buildOntoAndGate(c, app, result, created);
}
/**
 * Why `app` is not this pull request's app-setup review app (undefined: it is): it must be
 * coupled to this pipeline at stage `review` and carry `HEROKU_PIPELINE_ACTION_PR=<n>`.
 */
async function notOursBecause(c, pipeline, prNumber, app) {
    const coupling = await c.heroku.getAppCoupling(app.id);
    if (!coupling || coupling.pipeline.id !== pipeline.id || coupling.stage !== 'review') {
        return coupling
            ? `it is coupled to ${coupling.pipeline.id === pipeline.id ? `pipeline ${pipeline.name} at stage ${coupling.stage}` : `another pipeline (${coupling.pipeline.name ?? coupling.pipeline.id})`}, not to ${pipeline.name} at stage review`
            : `it is in no pipeline (this action's review apps are coupled to ${pipeline.name} at stage review)`;
    }
    const vars = await c.heroku.getConfigVars(app.id);
    if (vars[PR_MARKER] !== String(prNumber)) {
        return vars[PR_MARKER] === undefined
            ? `it has no config var ${PR_MARKER} (set on every review app this action creates)`
            : `its config var ${PR_MARKER} is ${vars[PR_MARKER]}, not ${prNumber}`;
    }
    return undefined;
}
async function checkOurs(c, pipeline, prNumber, app, what) {
    const why = await notOursBecause(c, pipeline, prNumber, app);
    if (!why)
        return;
    throw new errors/* InputError */.dz(review_app_name/* REVIEW_APP_NAME_INPUT */.eD, `Input '${review_app_name/* REVIEW_APP_NAME_INPUT */.eD}': the app ${app.name} already exists and is not the review app this action made for PR #${prNumber}: ${why}. The action never adopts or deletes an app it did not create, so it will not ${what} it. Set ${review_app_name/* REVIEW_APP_NAME_INPUT */.eD} to a name that is free, or rename or delete ${app.name} on Heroku.`);
}
/** `closed`: deletes the PR's app, only when it carries all three marks. */
async function deleteSetupApp(c, pipeline, pr, name) {
    const { outcome } = c;
    const app = await findApp(c, name);
    if (!app) {
        core.info(`PR #${pr.number} has no review app ${name}: nothing to delete.`);
        outcome.status = 'review-app-deleted';
        outcome.notes.push(`PR #${pr.number} had no review app left to delete.`);
        return;
    }
    await checkOurs(c, pipeline, pr.number, app, 'delete');
    await deleteOwnSetupApp(c, pr, app);
}
/** Deletes the PR's app, known to carry all three marks (dry run: plans it). */
async function deleteOwnSetupApp(c, pr, app) {
    const { outcome } = c;
    const name = app.name;
    outcome.reviewApp = { id: app.id, prNumber: pr.number, branch: pr.headRef, status: 'created' };
    if (c.settings.dryRun) {
        outcome.plan = [`Delete review app ${name} of PR #${pr.number}`];
        outcome.status = 'planned';
        return;
    }
    await c.heroku.deleteApp(app.id);
    outcome.reviewApp.status = 'deleted';
    core.info(`Review app ${name} of PR #${pr.number} is deleted.`);
    outcome.status = 'review-app-deleted';
}
/**
 * Why the sweep deletes a review app (undefined: it is kept): older than `review-app-max-age`,
 * or its PR is closed. A PR GitHub cannot tell us about keeps its app, with a warning.
 */
async function staleReason(c, createdAt, prNumber, appName) {
    const { settings } = c;
    const maxAgeMs = settings.reviewAppMaxAgeDays * 86400000;
    const created = createdAt ? Date.parse(createdAt) : NaN;
    if (maxAgeMs > 0 && Number.isFinite(created) && c.clock.now() - created > maxAgeMs)
        return `older than ${settings.reviewAppMaxAgeDays} day(s)`;
    if (prNumber === null || !c.github)
        return undefined;
    try {
        const pull = await c.github.getPull(prNumber);
        return pull.state === 'closed' ? `PR #${prNumber} is closed` : undefined;
    }
    catch (err) {
        core.warning(`Could not ask GitHub about PR #${prNumber}: ${err.message}; keeping its review app${appName ? ` ${appName}` : ''}.`);
        return undefined;
    }
}
/**
 * The sweep's part for app-setup review apps: the pipeline's apps at stage `review` that are
 * not Review Apps API apps, carry `HEROKU_PIPELINE_ACTION_PR=<n>` and have a name
 * `review-app-name` makes for PR n. Those of closed PRs (or older than `review-app-max-age`)
 * are deleted; any other app is left alone.
 */
async function sweepSetupApps(c, pipeline, apiAppIds) {
    const { settings, heroku } = c;
    const entries = [];
    const couplings = (await heroku.listCouplings(pipeline.id)).filter((x) => x.stage === 'review' && !apiAppIds.has(x.app.id));
    // Every app and its marker are asked for at once; they are taken, and the apps deleted, one
    // by one in order, so a read that fails stops the sweep where it is, as a sequential one would.
    const reads = couplings.map(async (coupling) => {
        const app = await findApp(c, coupling.app.id);
        return app ? { app, marker: (await heroku.getConfigVars(app.id))[PR_MARKER] } : undefined;
    });
    for (const read of reads)
        read.catch(() => undefined); // awaited below, in order
    for (const read of reads) {
        const candidate = await read;
        if (!candidate)
            continue;
        const { app, marker } = candidate;
        const prNumber = marker !== undefined && /^\d+$/.test(marker) ? Number(marker) : undefined;
        if (prNumber === undefined ||
            !(0,review_app_name/* matchesReviewAppName */.Ek)(settings.reviewAppName, pipeline.name, prNumber, app.name)) {
            core.info(`App ${app.name} is at stage review but is not a review app this action made (${prNumber === undefined ? `no config var ${PR_MARKER}` : `its name is not what ${review_app_name/* REVIEW_APP_NAME_INPUT */.eD} makes for PR #${prNumber}`}): left alone.`);
            continue;
        }
        const reason = await staleReason(c, app.created_at, prNumber, app.name);
        const entry = {
            reviewAppId: app.id,
            prNumber,
            branch: '',
            app: app.name,
            action: reason ? (settings.dryRun ? 'would-delete' : 'deleted') : 'kept',
            reason: reason ?? `PR #${prNumber} is open`
        };
        if (reason && !settings.dryRun) {
            await heroku.deleteApp(app.id);
            core.info(`Deleted review app ${app.name} (${entry.reason}).`);
        }
        else {
            core.info(`${reason ? 'Would delete' : 'Kept'} review app ${app.name} (${entry.reason}).`);
        }
        entries.push(entry);
    }
    return entries;
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
        throw new errors/* InputError */.dz('command', 'command review-app needs a pull_request or pull_request_target event with a pull request in its payload.');
    }
    if (ctx.eventName === 'pull_request_target') {
        core.warning('This workflow runs on pull_request_target: it has the repository secrets, so never check out and build pull-request code in it unless you trust that code.');
    }
    if ((0,context/* pullRequestFromFork */.vE)(pr)) {
        const fork = pr.headRepoFullName ?? 'a deleted fork';
        skipRun(c, `Pull request #${pr.number} ${pr.headRepoFullName ? `comes from the fork ${fork}` : `comes from ${fork}`}: no review app, because Heroku would run its code with the pipeline's config vars. ` +
            'To deploy it deliberately, push its commits to a branch of this repository and open a pull request from there.', `Pull request #${pr.number} is from a fork (${fork}): skipped.`);
        return;
    }
    const closedNote = `Pull request #${pr.number} is closed: no review app is created or built for it (its closed event deletes it; review-app-sweep catches a missed one).`;
    if (pr.action !== 'closed' && pr.state === 'closed') {
        skipRun(c, closedNote);
        return;
    }
    if (!settings.pipeline)
        throw new errors/* InputError */.dz('pipeline', 'command review-app needs the pipeline input.');
    // GitHub is asked about the PR while Heroku is asked for the pipeline (both reads).
    const asked = pr.action === 'closed' ? undefined : pullRequestNow(c, pr);
    const pipeline = await groupedPhase(c, 'resolve', 'Resolve the pipeline', undefined, () => heroku.getPipeline(settings.pipeline ?? ''));
    const now = await asked;
    if (now?.closed) {
        skipRun(c, closedNote);
        return;
    }
    // The head GitHub says the PR has now, when it is not this run's (a late run for an older push).
    let headNow;
    if (now && !now.closed && now.headSha !== pr.headSha) {
        headNow = now.headSha;
        core.info(`Pull request #${pr.number} has moved on to ${headNow.slice(0, 7)} since this run's push (${pr.headSha.slice(0, 7)}): its review app is left alone if it runs that commit already.`);
    }
    outcome.pipeline = { id: pipeline.id, name: pipeline.name };
    if ((await chooseReviewAppMethod(c, pipeline)) === 'app-setup') {
        await reviewAppBySetup(c, pipeline, headNow);
        return;
    }
    const findForPr = async () => {
        const all = (await heroku.listReviewApps(pipeline.id)).filter((r) => r.pr_number === pr.number);
        all.sort((a, b) => b.created_at.localeCompare(a.created_at));
        return all.find((r) => !GONE.has(r.status)) ?? all[0];
    };
    if (pr.action === 'closed') {
        const earlierSetupApp = settings.reviewAppMethod === 'auto' ? () => deleteEarlierSetupApp(c, pipeline) : undefined;
        await phase(c, 'review-app', 'delete', () => deleteReviewApp(c, pr.number, findForPr, earlierSetupApp));
        return;
    }
    let existing = await findForPr();
    if (existing?.status === 'deleting' && !settings.dryRun) {
        // Not the PR's app any more (a PR closed and reopened quickly): a new one comes after it.
        await waitForDeletion(c, existing, pr.number);
        existing = undefined;
    }
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
        const made = await phase(c, 'review-app', 'create', () => createReviewApp(c, pipeline.id, findForPr));
        existing = made.reviewApp;
        created = made.ours;
    }
    outcome.reviewApp = {
        id: existing.id,
        prNumber: pr.number,
        branch: pr.headRef,
        status: existing.status
    };
    const reviewAppState = outcome.reviewApp;
    const ready = await waitForCreated(c, existing, created, (status) => {
        reviewAppState.status = status;
    });
    outcome.reviewApp.status = ready.status;
    const appId = ready.app?.id;
    if (!appId)
        throw new errors/* DeployError */.sH(`Review app ${ready.id} has no app.`);
    const app = resolvedApp(await heroku.getApp(appId), 'review');
    if (!created && (await leftToNewerHead(c, app, headNow)))
        return;
    const result = await startReviewAppResult(c, app, pr.number);
    await buildOntoAndGate(c, app, result, created);
}
/**
 * The pull request as GitHub has it now: closed, or open at `headSha` (undefined when GitHub
 * cannot say: the event decides). A run that waited in the queue while the PR closed, or one
 * for an older push that started after the newer one, learns it here (a `labeled` event after
 * the merge already says `closed` in its payload, which the caller reads first).
 */
async function pullRequestNow(c, pr) {
    if (!c.github)
        return undefined;
    let now;
    try {
        now = await c.github.getPull(pr.number);
    }
    catch (err) {
        core.info(`Could not ask GitHub whether pull request #${pr.number} is still open at ${pr.headSha.slice(0, 7)} (${(0,errors/* errorMessage */.gJ)(err)}): going by the event.`);
        return undefined;
    }
    return now.state === 'closed' ? { closed: true } : { closed: false, headSha: now.headSha };
}
/**
 * Creates the PR's review app from this run's source. `ours`: Heroku answered this run's
 * request; a review app adopted after a 409 or found after a lost answer may come from another
 * run's commit, so what it runs is checked, never assumed.
 */
async function createReviewApp(c, pipelineId, findForPr) {
    const { settings, ctx, heroku } = c;
    const pr = ctx.pullRequest;
    const since = c.clock.now();
    const tarball = await packagePhase(c);
    try {
        const source = await uploadPhase(c, tarball);
        // A lost answer is looked for among the pipeline's review apps before any retry.
        let recovered = false;
        const findNew = async () => {
            const found = await findForPr();
            const recent = found && !GONE.has(found.status) && Date.parse(found.created_at) >= since - 120000;
            recovered = Boolean(recent);
            return recent ? found : undefined;
        };
        try {
            const made = await heroku.createReviewApp({
                branch: pr.headRef,
                pr_number: pr.number,
                pipeline: pipelineId,
                source_blob: { url: source.source_blob.get_url, version: settings.version },
                // config-vars are set before every build, here the creation's: they win, as they do
                // on later pushes.
                environment: nonEmpty({ ...settings.reviewAppEnv, ...settings.configVars })
            }, findNew);
            core.info(`Review app ${made.id} is ${made.status}.`);
            return { reviewApp: made, ours: !recovered };
        }
        catch (err) {
            if (err instanceof errors/* HerokuApiError */.vk && err.status === 409) {
                const adopted = await findForPr();
                if (adopted && !GONE.has(adopted.status)) {
                    core.info(`A review app for PR #${pr.number} already exists (${adopted.id}): using it.`);
                    return { reviewApp: adopted, ours: false };
                }
            }
            throw err;
        }
    }
    finally {
        await tarball.cleanup();
    }
}
/**
 * Why a review app ended without being created: its own message, or when that is empty, what
 * its app setup says (`failure_message`, `manifest_errors`, and the tail of its build's log).
 */
async function reviewAppFailure(c, done) {
    const own = done.message || done.error_status;
    const lead = `Review app ${done.id} ended ${done.status}`;
    if (own || !done.app_setup?.id)
        return new errors/* DeployError */.sH(`${lead}: ${own || 'Heroku gave no reason'}`);
    try {
        const setup = await c.heroku.getAppSetup(done.app_setup.id);
        let tail;
        if (setup.build?.output_stream_url && setup.build.status !== 'succeeded') {
            const streamed = await streamOutput(setup.build.output_stream_url, {
                onText: () => undefined,
                timeoutMs: 15_000,
                notFoundRetryMs: 2_000,
                ...c.clock
            });
            tail = streamed.tail || undefined;
        }
        return new errors/* DeployError */.sH(`${lead}: ${setupFailureDetails(setup)} (app setup ${setup.id}${setup.build ? `, build ${setup.build.status}` : ''})`, tail);
    }
    catch (err) {
        core.debug(`Could not read app setup ${done.app_setup.id}: ${String(err)}`);
        return new errors/* DeployError */.sH(`${lead}: Heroku gave no reason`);
    }
}
/** Waits (bounded by wait-timeout) until a review app being deleted is gone. */
async function waitForDeletion(c, found, prNumber) {
    core.info(`Review app ${found.id} of PR #${prNumber} is being deleted (was the PR closed and reopened?): waiting for the deletion, then creating a new one.`);
    await phase(c, 'review-app', 'wait for deletion', () => waitUntilDeleted(c, found.id));
}
/** Polls (bounded by wait-timeout) until the review app is `deleted` or gone (404). */
function waitUntilDeleted(c, reviewAppId) {
    return (0,wait/* waitUntil */.a0)(() => c.heroku.getReviewApp(reviewAppId).catch((err) => {
        if (err instanceof errors/* HerokuApiError */.vk && err.status === 404)
            return undefined;
        throw err;
    }), (r) => r === undefined || r.status === 'deleted', { what: `review app ${reviewAppId} to be deleted`, ...waitBudget(c), maxIntervalMs: 3000 });
}
/**
 * Polls until the review app is `created` with an app (or fails on `errored`), then follows the
 * app's newest release through its release phase. `ownCreation`: this run's request made the
 * app, so that release is its creation, which must have succeeded (an app found already made
 * may carry a failed release of an earlier push: the build onto it is what follows).
 */
async function waitForCreated(c, reviewApp, ownCreation, onStatus) {
    return groupedPhase(c, 'review-app', `Wait for review app ${reviewApp.id}`, 'created', async () => {
        const done = await (0,wait/* waitUntil */.a0)(() => c.heroku.getReviewApp(reviewApp.id), (r) => (r.status === 'created' && Boolean(r.app?.id)) ||
            (!IN_PROGRESS.has(r.status) && r.status !== 'created'), {
            what: `review app ${reviewApp.id} to be created`,
            ...waitBudget(c),
            maxIntervalMs: 5000,
            onPoll: (r) => core.debug(`review app ${r.id}: ${r.status}`)
        });
        onStatus(done.status);
        if (done.status !== 'created')
            throw await reviewAppFailure(c, done);
        core.info(`Review app ${done.id} is created.`);
        // Creation builds and releases the app: follow that release through its release phase.
        const app = resolvedApp(await c.heroku.getApp(done.app.id), 'review');
        const current = (await c.heroku.listReleases(app.id, 1))[0];
        const creation = current?.status === 'pending'
            ? await waitForReleaseEnd(c, app, current.id, true)
            : undefined;
        const release = creation?.release ?? current;
        // "created" does not say the release phase passed: a failed one leaves no code running.
        if (ownCreation && release && release.status !== 'succeeded')
            throw new errors/* DeployError */.sH(`Review app ${done.id} is created, but its release v${release.version} ended ${release.status}.`, creation?.tail || undefined);
        return done;
    });
}
/**
 * `closed`: deletes the PR's Review Apps API app (waiting for one still being created), or when
 * there is none, what `orElse` finds and deletes (`auto`: an earlier app-setup app).
 */
async function deleteReviewApp(c, prNumber, findForPr, orElse) {
    const { heroku, outcome } = c;
    const found = await findForPr();
    if (!found || found.status === 'deleted') {
        if (orElse && (await orElse()))
            return;
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
        await (0,wait/* waitUntil */.a0)(() => heroku.getReviewApp(found.id), (r) => !IN_PROGRESS.has(r.status), { what: `review app ${found.id}`, ...waitBudget(c) });
    }
    await heroku.deleteReviewApp(found.id);
    const gone = await waitUntilDeleted(c, found.id);
    outcome.reviewApp.status = gone?.status ?? 'deleted';
    core.info(`Review app ${found.id} of PR #${prNumber} is deleted.`);
    outcome.status = 'review-app-deleted';
}
async function reviewAppSweep(c) {
    const { settings, heroku, outcome } = c;
    if (!settings.pipeline)
        throw new errors/* InputError */.dz('pipeline', 'command review-app-sweep needs the pipeline input.');
    const pipeline = await heroku.getPipeline(settings.pipeline);
    outcome.pipeline = { id: pipeline.id, name: pipeline.name };
    const entries = [];
    outcome.sweep = entries;
    await phase(c, 'sweep', pipeline.name, async () => {
        const listed = await heroku.listReviewApps(pipeline.id);
        const apps = listed.filter((r) => r.status !== 'deleted' && r.status !== 'deleting');
        for (const r of apps) {
            const reason = await staleReason(c, r.created_at, r.pr_number);
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
        // Review apps made by app setup (review-app-method: app-setup): not in that list.
        const apiAppIds = new Set(listed.flatMap((r) => (r.app?.id ? [r.app.id] : [])));
        entries.push(...(await sweepSetupApps(c, pipeline, apiAppIds)));
    });
    if (!c.github)
        outcome.notes.push('No github-token: pull request states could not be checked.');
    outcome.status = settings.dryRun ? 'planned' : 'review-app-deleted';
}
function nonEmpty(vars) {
    return Object.keys(vars).length > 0 ? vars : null;
}

;// CONCATENATED MODULE: ./src/commands/rollback.ts
/**
 * `rollback`: roll `app` back to `release` (default: the newest succeeded release before the
 * current one), wait for it, health-gate it.
 */








async function rollback(c) {
    const { settings, heroku, outcome } = c;
    const app = await groupedPhase(c, 'resolve', 'Resolve the app', undefined, () => resolveApp(c));
    const result = newAppResult(app, c.clock.now());
    outcome.app = result;
    const newest = await waitForPendingWork(c, app);
    result.before = await recordLive(heroku, app, newest);
    if (!result.before)
        throw new errors/* DeployError */.sH(`${app.name} has no release: nothing to roll back.`);
    const target = await chooseTarget(c, app, result.before.id);
    const targetInfo = await releaseInfo(heroku, app.id, target, undefined, app.kind);
    const problem = (0,health_marker/* unknownCommitProblem */.$i)(settings.health, targetInfo.commit, `v${target.version} of ${app.name}, the release to roll back to,`, app.kind === 'container');
    if (problem)
        throw new errors/* InputError */.dz('health-check-body', `Input 'health-check-body' ${problem}.`);
    if (settings.dryRun) {
        outcome.plan = [
            `Roll ${app.name} back from v${result.before.version} to v${target.version} (commit ${targetInfo.commit ?? 'unknown'})`
        ];
        outcome.status = 'planned';
        return;
    }
    // The deployment is of the code rolled back to, not of the workflow's commit.
    await startDeployment(c, result, app.stage, false, app.stage === 'production', {
        commit: targetInfo.commit
    });
    const created = await phase(c, 'rollback', app.name, async () => {
        core.info(`Rolling ${app.name} back to v${target.version}.`);
        const made = await heroku.rollback(app.id, target.id);
        const { release, tail } = await waitForReleaseEnd(c, app, made.id, true);
        if (release.status !== 'succeeded') {
            result.liveAfter = result.before;
            throw new errors/* DeployError */.sH(`The rollback release v${release.version} on ${app.name} ended ${release.status}; v${result.before?.version} is still live.`, tail);
        }
        return release;
    });
    result.release = await releaseInfo(heroku, app.id, created, undefined, app.kind);
    result.rolledBack = true;
    result.rolledBackTo = targetInfo;
    const health = await gatePhase(c, app, result, result.release);
    result.liveAfter = result.release;
    result.healthyAfterRollback = health.passed;
    result.endedAt = c.clock.now();
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
            throw new errors/* InputError */.dz('release', `Release ${String(ref)} of ${app.name} could not be read: ${err.message}`);
        });
        if (release.id === currentId)
            throw new errors/* InputError */.dz('release', `Release v${release.version} is already current on ${app.name}.`);
        if (release.status === 'expired' || release.eligible_for_rollback === false) {
            throw new errors/* InputError */.dz('release', `Input 'release': Release v${release.version} of ${app.name} cannot be rolled back to: ${release.status === 'expired' ? 'it has expired (Heroku destroys the artifacts of releases older than 30 days and beyond the newest 20)' : 'Heroku says it is not eligible for rollback'}. Nothing was changed.`);
        }
        // Container and Fir releases have no slug: Heroku's `eligible_for_rollback` decides for them.
        if (!release.slug && app.kind === 'slug')
            throw new errors/* InputError */.dz('release', `Release v${release.version} of ${app.name} has no slug to roll back to.`);
        if (release.status !== 'succeeded') {
            // Heroku rolls back to it (a rollback is a new release that runs the release phase
            // again), and that can be the point, a retry; but its code never ran on the app.
            const warning = `Release v${release.version} of ${app.name} ended ${release.status}: its code never went live there. Rolling back to it runs its release phase again; the newest succeeded release is the default target when release is empty.`;
            core.warning(warning);
            addNote(c.outcome, warning);
        }
        return release;
    }
    const releases = await heroku.listReleases(app.id, 20);
    const current = releases.find((r) => r.id === currentId);
    // As the Heroku CLI picks it: the newest release before the current one that Heroku says can
    // be rolled back to (expired releases cannot).
    const previous = releases.find((r) => r.id !== currentId &&
        r.status === 'succeeded' &&
        r.eligible_for_rollback !== false &&
        (r.slug || app.kind !== 'slug') &&
        r.version < (current?.version ?? Infinity));
    if (!previous)
        throw new errors/* DeployError */.sH(`${app.name} has no succeeded release before the current one that can be rolled back to (expired releases cannot).`);
    return previous;
}

;// CONCATENATED MODULE: ./src/commands/index.ts





/** Runs the chosen command; it records what happened into `c.outcome` and throws on failure. */
async function runCommand(c) {
    switch (c.settings.command) {
        case 'deploy': {
            if (!c.settings.promote) {
                await deploy(c);
                return;
            }
            // The targets are resolved and checked before the deploy changes anything: a target the
            // promotion cannot use is an input error then, not after the staging build.
            let resolved;
            const verified = await deploy(c, async (app) => {
                resolved = await resolvePromotionPhase(c, app);
            });
            if (verified)
                await promote(c, verified, resolved);
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
            throw new errors/* InputError */.dz('command', `Unknown command ${String(never)}`);
        }
    }
}

;// CONCATENATED MODULE: ./src/commands/context.ts

const realClock = {
    now: () => Date.now(),
    sleep: clock/* realSleep */.uk
};

// EXTERNAL MODULE: ./src/run/github.ts
var run_github = __webpack_require__(3474);
// EXTERNAL MODULE: ./src/run/live.ts
var run_live = __webpack_require__(7527);
;// CONCATENATED MODULE: ./src/run/main-step.ts
/**
 * The main step after its start (start.ts): reporting, the command, the one verdict and the one
 * `setFailed`. Loaded while the first Heroku requests are on their way.
 */














/** The main step, from what main.ts started: the one error boundary, `setFailed` at most once. */
async function runMainStep(start) {
    // Masked before anything is printed: main.ts only collected the secrets.
    for (const secret of start.secrets)
        core.setSecret(secret);
    (0,state/* markMainStarted */.UM)();
    start.log.attach(core);
    if (!start.ready) {
        // Nothing has been requested yet: a bad input changes nothing.
        const err = start.inputError;
        const message = err instanceof errors/* InputError */.dz ? (0,errors/* describeInputError */.cY)(err) : (0,errors/* errorMessage */.gJ)(err);
        // The outputs a script reads on any run: nothing was done, so nothing was rolled back.
        core.setOutput('status', 'failed');
        core.setOutput('rolled-back', 'false');
        core.setOutput('promoted-apps', '[]');
        // Every run writes a summary with its cause; no client is made for it.
        try {
            // The summary is not masked like the log: any secret seen so far is taken out first.
            const shown = (0,errors/* scrubSecrets */.Zg)(message, start.secrets);
            await (0,summary/* writeInputErrorSummary */.mh)(shown);
        }
        catch (summaryErr) {
            core.warning(`Could not write the job summary: ${(0,report_escape/* oneLine */.TN)((0,errors/* errorMessage */.gJ)(summaryErr), 300)}`);
        }
        core.setFailed(message);
        return;
    }
    const { settings, ctx, client, heroku } = start.ready;
    const github = (0,run_github/* githubApiFor */.t)(settings, ctx);
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
    const events = withTestCrashHook(reporter, process.env[TEST_CRASH_ENV]);
    let failure;
    try {
        // Finding the PRs and posting "in progress" runs beside the first Heroku requests.
        void reporter.start(outcome);
        await runCommand({ settings, ctx, heroku, events, outcome, github, clock: realClock });
    }
    catch (err) {
        failure = err;
        outcome.status = 'failed';
        outcome.error ??= err instanceof errors/* InputError */.dz ? (0,errors/* describeInputError */.cY)(err) : (0,errors/* errorMessage */.gJ)(err);
        if (err instanceof errors/* InputError */.dz)
            outcome.inputError = true;
        if (err instanceof errors/* DeployError */.sH && err.logTail && !outcome.logTail)
            outcome.logTail = err.logTail;
    }
    finally {
        outcome.endedAt = Date.now();
        outcome.heroku = {
            requests: client.stats.requests,
            rateLimitRemaining: client.stats.rateLimitRemaining,
            pacedPolls: client.pacer.stats.delayedPolls
        };
    }
    // The one verdict: the exit code here, and (in finish) outputs, deployments, comment, summary.
    const { ok } = (0,verdict/* verdict */.WJ)(outcome);
    reporter.verdictReached(outcome);
    // A failure says what is live now: asked of Heroku where the run does not know it.
    const pending = ok ? [] : await readLiveNow(outcome, settings);
    // Enrichment before the report, which only reads the Outcome.
    outcome.promotedCommits ??= await reporter.promotedCommits(outcome);
    await reporter.finish(outcome);
    if (!ok) {
        core.setFailed(withLiveNow(failureMessage(failure, outcome), outcome, pending));
    }
}
/**
 * TEST ONLY: the end-to-end crash tests set this to a phase name to make an uncaught exception
 * in that phase (as a bug in a callback would), so they can check the post step finishes the
 * reports. Workflows never set it; read once, here, at the start of the main step.
 */
const TEST_CRASH_ENV = 'HEROKU_PIPELINE_ACTION_TEST_CRASH_IN_PHASE';
function withTestCrashHook(events, crashInPhase) {
    if (!crashInPhase)
        return events;
    return {
        deploymentStarted: (app) => events.deploymentStarted(app),
        deploymentVerified: (app) => events.deploymentVerified(app),
        rollbackStarted: (app, toVersion) => events.rollbackStarted(app, toVersion),
        progress: (outcome) => events.progress(outcome),
        tempDirReserved: (dir) => events.tempDirReserved(dir),
        tempDirRemoved: (dir) => events.tempDirRemoved(dir),
        phaseStarted(outcome) {
            events.phaseStarted(outcome);
            const name = outcome.phases.at(-1)?.name;
            if (name !== crashInPhase)
                return;
            setImmediate(() => {
                throw new Error(`Injected crash in the ${name} phase (test hook)`);
            });
        }
    };
}
/**
 * Fills `liveAfter` of every app the run touched and does not know it for, from Heroku (a short
 * budget; what cannot be read stays unknown). Returns notes on work still running there.
 */
async function readLiveNow(outcome, settings) {
    const apps = [outcome.app, ...outcome.targets].filter((a) => a !== undefined && a.liveAfter === undefined);
    if (apps.length === 0)
        return [];
    const live = (0,run_live/* liveReader */.w)(settings);
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
            core.debug(`Could not read what is live on ${a.app}: ${(0,errors/* errorMessage */.gJ)(err)}`);
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
function failureMessage(failure, outcome) {
    if (failure instanceof errors/* HerokuApiError */.vk)
        return failure.message;
    return (outcome.error ??
        (0,format/* causeText */.xv)(outcome) ??
        (0,errors/* errorMessage */.gJ)(failure ?? 'the run did not reach its wanted end state'));
}


/***/ })

};
