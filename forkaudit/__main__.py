try:
    from forkaudit.entry import main
except KeyboardInterrupt:  # Ctrl-C while the entry point itself loads: as entry.main() says
    import sys

    print("forkaudit: interrupted", file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(main())
