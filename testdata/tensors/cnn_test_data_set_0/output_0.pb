
BlogitsJP°}KBE…A©mÙÂò&‰AéB5"ƒÁ¸ðBµ5¬B!æ4B<ÍËB°}KBE…A©mÙÂò&‰AéB5"ƒÁ¸ðBµ5¬B!æ4B<ÍËB