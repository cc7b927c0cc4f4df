// The console's views, for the routes: pure functions from data to HTML.
export { layout, csrfField } from './layout.js';
export { loginPage } from './login.js';
export { searchPage, liveSection, searchUrl } from './search.js';
export { callPage } from './call.js';
export { errorPage } from './error.js';
export { PATHS, CSRF_FIELD, SECTION_PATH, sectionsOf } from './paths.js';
export { localInputValue, localDateValue, parseLocalInput } from './form-values.js';
export * from './types.js';
