export const id = 82;
export const ids = [82];
export const modules = {

/***/ 1082:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runPostStep: () => (/* binding */ runPostStep)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7264);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3916);
/* harmony import */ var _inputs_index_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(732);
/* harmony import */ var _report_reporter_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2308);
/* harmony import */ var _github_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(3474);
/* harmony import */ var _live_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7527);
/**
 * The post step: finishes the reports when the main step was cancelled or crashed (from what it
 * saved), and removes what it left behind. It never turns a good run red.
 */






async function runPostStep() {
    try {
        const ctx = (0,_inputs_index_js__WEBPACK_IMPORTED_MODULE_2__/* .getRunContext */ .DI)();
        let github;
        let live;
        try {
            const settings = (0,_inputs_index_js__WEBPACK_IMPORTED_MODULE_2__/* .getSettings */ .mt)(process.env, ctx, _actions_core__WEBPACK_IMPORTED_MODULE_0__.setSecret);
            github = (0,_github_js__WEBPACK_IMPORTED_MODULE_5__/* .githubApiFor */ .t)(settings, ctx);
            live = (0,_live_js__WEBPACK_IMPORTED_MODULE_4__/* .liveReader */ .w)(settings);
        }
        catch {
            github = undefined;
        }
        await (0,_report_reporter_js__WEBPACK_IMPORTED_MODULE_3__/* .runPost */ .a2)(ctx, github, _actions_core__WEBPACK_IMPORTED_MODULE_0__, { live });
    }
    catch (err) {
        // The post step only finishes reporting; it never turns a good run red.
        _actions_core__WEBPACK_IMPORTED_MODULE_0__.warning(`Post step: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(err)}`);
    }
}


/***/ })

};
