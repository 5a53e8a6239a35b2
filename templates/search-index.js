// The guides' text for the search on the index page (a large library has several of these
// files, one per hundred guides); made by `handout build`.
window.HANDOUT_SEARCH = (window.HANDOUT_SEARCH || []).concat({{ search | safe }});
