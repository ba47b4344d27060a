"""Word export of SOP versions: a view model, a pure renderer, redlines and the manifest.

- ``view.SopDocument``: everything a rendering needs, built from one frozen version.
- ``docx.render(doc, lang, template=None) -> bytes``: English, Arabic or bilingual .docx.
- ``redline.structured_diff`` / ``redline.render_redline``: what changed, as JSON and as
  Word tracked changes.
- ``manifest.read_manifest`` / ``manifest.document_fingerprint``: verify an export.

Rendering is CPU-bound and synchronous: call it off the event loop.
"""
