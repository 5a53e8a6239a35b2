// The guides' and steps' words for the search on the index page, already cut into search
// words (a large library has several of these files, one per hundred guides); made by
// `handout build`.
window.HANDOUT_SEARCH = (window.HANDOUT_SEARCH || []).concat({{ search | safe }});
