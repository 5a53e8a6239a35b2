// The guides' text for the search on the index page; made by `handout build`.
window.HANDOUT_SEARCH = {{ search | safe }};
