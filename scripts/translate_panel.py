"""Fill the panel's French and Italian catalogues (run once when strings change), then compile them."""
# Usage: .venv/bin/pybabel extract -F babel.cfg -o messages.pot . && .venv/bin/python scripts/translate_panel.py
import subprocess
import sys
from babel.messages.pofile import read_po, write_po

FR = {
"Locked after inactivity: type your PIN again.": "Verrouillé après inactivité : retapez votre code.",
"Other": "Autres", "A new client needs a first and a last name.": "Un nouveau client a besoin d'un prénom et d'un nom.",
"%(name)s is registered, referral code %(code)s.": "%(name)s est enregistré(e), code de parrainage %(code)s.",
"The price is not a number.": "Le prix n'est pas un nombre.",
"Type the amount received, e.g. 50.00": "Tapez le montant reçu, par ex. 50,00",
"%(amount)s received. Still due: %(due)s.": "%(amount)s reçus. Reste à payer : %(due)s.",
"The receipt is on its way to the printer.": "Le ticket part à l'imprimante.",
"No client found.": "Aucun client trouvé.", "Welcome": "Bienvenue",
"Ask us about our loyalty programme!": "Demandez-nous notre programme de fidélité !",
"Hello %(name)s": "Bonjour %(name)s", "Your points": "Vos points", "Total": "Total", "Discount": "Remise",
"Due": "À payer", "This visit earns you %(points)s points": "Cette visite vous rapporte %(points)s points",
"Thank you! New balance: %(balance)s points": "Merci ! Nouveau solde : %(balance)s points",
"Rewards available": "Récompenses", "%(missing)s points missing": "encore %(missing)s points",
"Checkout": "Caisse", "Manage": "Gestion", "Client display": "Écran client", "Switch cashier": "Changer de caissier",
"Client": "Client", "points": "points", "%(held)s held": "%(held)s réservés",
"%(points)s points expire on %(day)s": "%(points)s points expirent le %(day)s", "Loyalty box": "Fidélité",
"Change client": "Changer de client", "Find a client": "Trouver un client",
"Name, phone or referral code": "Nom, téléphone ou code de parrainage", "New client": "Nouveau client",
"First name": "Prénom", "Last name": "Nom", "Phone": "Téléphone", "E-mail": "E-mail",
"Referral code (optional)": "Code de parrainage (facultatif)", "Register": "Enregistrer",
"Services and products": "Prestations et produits", "Search the catalogue": "Chercher une prestation",
"Sale": "Vente", "Touch a service or a product to start the sale.": "Touchez une prestation ou un produit pour commencer la vente.",
"Remove": "Retirer", "Paid": "Payé",
"This sale earns %(points)s points → balance after %(after)s": "Cette vente rapporte %(points)s points → solde après %(after)s",
"This sale earns %(points)s points: attach the client to credit them.": "Cette vente rapporte %(points)s points : choisissez le client pour les créditer.",
"Rewards": "Récompenses", "offered": "offerte", "Amount received": "Montant reçu", "Card": "Carte",
"Cash": "Espèces", "Cancel the sale": "Annuler la vente", "Sale #%(id)s paid": "Vente n° %(id)s payée",
"Change to give: %(amount)s": "Rendu : %(amount)s", "Points earned": "Points gagnés",
"Points redeemed": "Points utilisés", "New balance": "Nouveau solde", "Next expiry": "Prochaine expiration",
"%(points)s points on %(day)s": "%(points)s points le %(day)s", "Reprint": "Réimprimer", "Print": "Imprimer",
"New sale": "Nouvelle vente", "Print job": "Impression", "Receipt": "Ticket", "Log in": "Connexion",
"Who is at the till?": "Qui est à la caisse ?", "No staff yet: add one with": "Aucun membre du personnel : ajoutez-en un avec",
"Your name": "Votre nom", "Till": "Caisse", "PIN": "Code", "Open the till": "Ouvrir la caisse",
"Back to the sale": "Retour à la vente", "Referral code": "Code de parrainage",
"When points expire": "Expiration des points", "No points to expire.": "Aucun point à expirer.",
"Rewards obtained": "Récompenses obtenues", "None yet.": "Aucune pour l'instant.", "History": "Historique",
"Date": "Date", "Description": "Description", "Source": "Origine", "Points": "Points", "Older": "Plus anciens",
"Loyalty programme": "Programme de fidélité", "Version %(version)s": "Version %(version)s",
"%(ratio)s point per currency unit": "%(ratio)s point par euro", "points valid %(months)s months": "points valables %(months)s mois",
"points never expire": "les points n'expirent jamais", "Rules": "Règles", "None": "Aucune",
"Too many wrong PINs: this login is locked for a few minutes.": "Trop de codes faux : connexion verrouillée quelques minutes.",
"Wrong PIN.": "Code incorrect.", "Not enough points for this reward.": "Pas assez de points pour cette récompense.",
"One reward or discount code per sale.": "Une seule récompense ou remise par vente.",
"The balance is negative: no reward until it is positive again.": "Le solde est négatif : pas de récompense avant qu'il redevienne positif.",
"Choose the client before applying a reward.": "Choisissez le client avant d'appliquer une récompense.",
"More than what is due: only cash gives change.": "Plus que le montant dû : seules les espèces rendent la monnaie.",
"The loyalty programme is switched off.": "Le programme de fidélité est désactivé.",
"No printer is set up for this till.": "Aucune imprimante n'est configurée pour cette caisse.",
"No client has this referral code.": "Aucun client n'a ce code de parrainage.",
"Remove the rewards before changing the client.": "Retirez les récompenses avant de changer de client.",
}
IT = {
"Locked after inactivity: type your PIN again.": "Bloccato per inattività: digita di nuovo il PIN.",
"Other": "Altro", "A new client needs a first and a last name.": "Un nuovo cliente ha bisogno di nome e cognome.",
"%(name)s is registered, referral code %(code)s.": "%(name)s è registrato/a, codice amico %(code)s.",
"The price is not a number.": "Il prezzo non è un numero.",
"Type the amount received, e.g. 50.00": "Digita l'importo ricevuto, es. 50,00",
"%(amount)s received. Still due: %(due)s.": "%(amount)s ricevuti. Resta da pagare: %(due)s.",
"The receipt is on its way to the printer.": "Lo scontrino è in stampa.",
"No client found.": "Nessun cliente trovato.", "Welcome": "Benvenuti",
"Ask us about our loyalty programme!": "Chiedeteci del nostro programma fedeltà!",
"Hello %(name)s": "Ciao %(name)s", "Your points": "I tuoi punti", "Total": "Totale", "Discount": "Sconto",
"Due": "Da pagare", "This visit earns you %(points)s points": "Questa visita ti fa guadagnare %(points)s punti",
"Thank you! New balance: %(balance)s points": "Grazie! Nuovo saldo: %(balance)s punti",
"Rewards available": "Premi", "%(missing)s points missing": "mancano %(missing)s punti",
"Checkout": "Cassa", "Manage": "Gestione", "Client display": "Schermo cliente", "Switch cashier": "Cambia cassiere",
"Client": "Cliente", "points": "punti", "%(held)s held": "%(held)s riservati",
"%(points)s points expire on %(day)s": "%(points)s punti scadono il %(day)s", "Loyalty box": "Fedeltà",
"Change client": "Cambia cliente", "Find a client": "Trova un cliente",
"Name, phone or referral code": "Nome, telefono o codice amico", "New client": "Nuovo cliente",
"First name": "Nome", "Last name": "Cognome", "Phone": "Telefono", "E-mail": "E-mail",
"Referral code (optional)": "Codice amico (facoltativo)", "Register": "Registra",
"Services and products": "Servizi e prodotti", "Search the catalogue": "Cerca nel catalogo",
"Sale": "Vendita", "Touch a service or a product to start the sale.": "Tocca un servizio o un prodotto per iniziare la vendita.",
"Remove": "Togli", "Paid": "Pagato",
"This sale earns %(points)s points → balance after %(after)s": "Questa vendita dà %(points)s punti → saldo dopo %(after)s",
"This sale earns %(points)s points: attach the client to credit them.": "Questa vendita dà %(points)s punti: scegli il cliente per accreditarli.",
"Rewards": "Premi", "offered": "regalo", "Amount received": "Importo ricevuto", "Card": "Carta",
"Cash": "Contanti", "Cancel the sale": "Annulla la vendita", "Sale #%(id)s paid": "Vendita n. %(id)s pagata",
"Change to give: %(amount)s": "Resto: %(amount)s", "Points earned": "Punti guadagnati",
"Points redeemed": "Punti usati", "New balance": "Nuovo saldo", "Next expiry": "Prossima scadenza",
"%(points)s points on %(day)s": "%(points)s punti il %(day)s", "Reprint": "Ristampa", "Print": "Stampa",
"New sale": "Nuova vendita", "Print job": "Stampa", "Receipt": "Scontrino", "Log in": "Accesso",
"Who is at the till?": "Chi è alla cassa?", "No staff yet: add one with": "Nessun operatore: aggiungine uno con",
"Your name": "Il tuo nome", "Till": "Cassa", "PIN": "PIN", "Open the till": "Apri la cassa",
"Back to the sale": "Torna alla vendita", "Referral code": "Codice amico",
"When points expire": "Scadenza dei punti", "No points to expire.": "Nessun punto in scadenza.",
"Rewards obtained": "Premi ottenuti", "None yet.": "Ancora nessuno.", "History": "Storico",
"Date": "Data", "Description": "Descrizione", "Source": "Origine", "Points": "Punti", "Older": "Precedenti",
"Loyalty programme": "Programma fedeltà", "Version %(version)s": "Versione %(version)s",
"%(ratio)s point per currency unit": "%(ratio)s punto per euro", "points valid %(months)s months": "punti validi %(months)s mesi",
"points never expire": "i punti non scadono mai", "Rules": "Regole", "None": "Nessuno",
"Too many wrong PINs: this login is locked for a few minutes.": "Troppi PIN errati: accesso bloccato per qualche minuto.",
"Wrong PIN.": "PIN errato.", "Not enough points for this reward.": "Punti insufficienti per questo premio.",
"One reward or discount code per sale.": "Un solo premio o sconto per vendita.",
"The balance is negative: no reward until it is positive again.": "Il saldo è negativo: nessun premio finché non torna positivo.",
"Choose the client before applying a reward.": "Scegli il cliente prima di applicare un premio.",
"More than what is due: only cash gives change.": "Più del dovuto: solo i contanti danno il resto.",
"The loyalty programme is switched off.": "Il programma fedeltà è disattivato.",
"No printer is set up for this till.": "Nessuna stampante configurata per questa cassa.",
"No client has this referral code.": "Nessun cliente ha questo codice amico.",
"Remove the rewards before changing the client.": "Togli i premi prima di cambiare cliente.",
}
# Issue 3: the new client form, the loyalty box, the keyboard and the amount typed at the till.
FR.update({
"The phone number is not valid: digits, spaces and + only.": "Le numéro de téléphone n'est pas valide : chiffres, espaces et + uniquement.",
"The e-mail address is not valid.": "L'adresse e-mail n'est pas valide.",
"An amount cannot be negative.": "Un montant ne peut pas être négatif.",
"“%(typed)s” is too large an amount.": "« %(typed)s » est un montant trop élevé.",
"“%(typed)s” is not an amount: type it like %(example)s.": "« %(typed)s » n'est pas un montant : tapez-le comme %(example)s.",
"Go to the sale and payment": "Aller à la vente et au paiement",
})
IT.update({
"The phone number is not valid: digits, spaces and + only.": "Il numero di telefono non è valido: solo cifre, spazi e +.",
"The e-mail address is not valid.": "L'indirizzo e-mail non è valido.",
"An amount cannot be negative.": "Un importo non può essere negativo.",
"“%(typed)s” is too large an amount.": "“%(typed)s” è un importo troppo alto.",
"“%(typed)s” is not an amount: type it like %(example)s.": "“%(typed)s” non è un importo: scrivilo come %(example)s.",
"Go to the sale and payment": "Vai alla vendita e al pagamento",
})
for lang, table in (("fr", FR), ("it", IT)):
    with open("messages.pot", "rb") as handle:
        catalog = read_po(handle, locale=lang)
    missing = [m.id for m in catalog if m.id and m.id not in table]
    assert not missing, (lang, missing)
    for message in catalog:
        if message.id:
            message.string = table[message.id]
    folder = f"pos_loyalty/translations/{lang}/LC_MESSAGES"
    subprocess.run(["mkdir", "-p", folder], check=True)
    catalog.fuzzy = False
    with open(f"{folder}/messages.po", "wb") as handle:
        write_po(handle, catalog)
subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-d", "pos_loyalty/translations"],
               check=True)
