from quotes.cli import main
main()
