"""E-mail notices as messages: the bilingual texts and the templates they are rendered with."""
