// A modular app for ModulePathNativeTest and JlinkImageNativeTest: compiled by the test, run on the module path and
// from a jlink image.
module app {
    requires dev.bgtasks.core;
    // The task host, in dev.bgtasks.core, creates the app's BackgroundTask classes.
    exports app.tasks to dev.bgtasks.core;
}
