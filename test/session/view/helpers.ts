// Small real sessions for the view tests: programs from programs/, booted as `vmlab step` boots
// them, with the defaults of `vmlab run` and any option changed.
export { defaults, session, stepTraced } from "../../helpers/session.js";
