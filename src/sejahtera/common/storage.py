from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files; a file missing from the manifest (before
    `collectstatic`, e.g. in tests) falls back to its plain name instead of failing the page."""

    manifest_strict = False
